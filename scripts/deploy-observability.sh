#!/usr/bin/env bash
# Starts MediaNest with its observability stack (docker-compose.yml +
# docker-compose.observability.yml) and waits until every component answers.
#
#   scripts/deploy-observability.sh            build, start, wait, verify
#   DEPLOY_TIMEOUT=300 scripts/deploy-observability.sh
#
# Needs in the environment or .env: POSTGRES_PASSWORD, GRAFANA_ADMIN_PASSWORD.
# ALERTS_WEBHOOK_TOKEN is generated (and appended to .env) when missing.
# Dashboards and datasources come from Grafana provisioning
# (infrastructure/grafana/provisioning); nothing is imported through the API.
set -euo pipefail

cd "$(dirname "$0")/.."
readonly COMPOSE=(docker compose -f docker-compose.yml -f docker-compose.observability.yml)
readonly TIMEOUT="${DEPLOY_TIMEOUT:-180}"
readonly SECRETS_DIR=infrastructure/secrets

die() { echo "deploy-observability: $*" >&2; exit 1; }

# value of a variable from the environment, else from .env
setting() {
  local name="$1"
  if [[ -n "${!name:-}" ]]; then
    printf '%s' "${!name}"
  elif [[ -f .env ]]; then
    sed -n "s/^[[:space:]]*\(export[[:space:]]\+\)\?${name}[[:space:]]*=[[:space:]]*//p" .env | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
  fi
}

command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker compose version >/dev/null 2>&1 || die "the docker compose plugin is not available"

for required in POSTGRES_PASSWORD GRAFANA_ADMIN_PASSWORD; do
  [[ -n "$(setting "$required")" ]] || die "$required is not set: add it to .env (Grafana never starts with a default admin password)"
done

# Secrets for Alertmanager (webhook bearer token) and Prometheus (metrics token).
# The directory is private on the host; the files are readable so the
# containers' unprivileged users can read them through the bind mount.
webhook_token="$(setting ALERTS_WEBHOOK_TOKEN)"
if [[ -z "$webhook_token" ]]; then
  webhook_token="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
  printf '\nALERTS_WEBHOOK_TOKEN=%s\n' "$webhook_token" >> .env
  echo "Generated ALERTS_WEBHOOK_TOKEN and saved it to .env"
fi
export ALERTS_WEBHOOK_TOKEN="$webhook_token"
mkdir -p "$SECRETS_DIR"
chmod 700 "$SECRETS_DIR"
( umask 022
  printf '%s' "$webhook_token" > "$SECRETS_DIR/alerts_webhook_token"
  printf '%s' "$(setting METRICS_TOKEN)" > "$SECRETS_DIR/metrics_token" )
if [[ -n "$(setting METRICS_TOKEN)" ]] && ! grep -q '^[[:space:]]*authorization:' infrastructure/prometheus/prometheus.yml; then
  echo "warning: METRICS_TOKEN is set but the authorization block in infrastructure/prometheus/prometheus.yml is commented out; Prometheus will get 401 from /metrics" >&2
fi

echo "Starting MediaNest and the observability stack..."
"${COMPOSE[@]}" up -d --build

# Poll each endpoint until it answers (no fixed sleep).
wait_for() {
  local name="$1" url="$2" deadline=$((SECONDS + TIMEOUT))
  printf 'Waiting for %-13s %s ' "$name" "$url"
  until curl -fsS -o /dev/null --max-time 3 "$url"; do
    if (( SECONDS >= deadline )); then
      echo "-> not ready after ${TIMEOUT}s"
      "${COMPOSE[@]}" ps
      die "$name did not become ready; see: ${COMPOSE[*]} logs"
    fi
    printf '.'
    sleep 2
  done
  echo "-> ready"
}
wait_for MediaNest     "http://localhost:${MEDIANEST_PORT:-4000}/health/ready"
wait_for Prometheus    "http://127.0.0.1:9091/-/ready"
wait_for Alertmanager  "http://127.0.0.1:9093/-/ready"
wait_for Grafana       "http://localhost:${GRAFANA_PORT:-3001}/api/health"
wait_for Loki          "http://127.0.0.1:3100/ready"
wait_for Jaeger        "http://127.0.0.1:14269/"

# Prometheus scrapes the app within one scrape interval of starting.
deadline=$((SECONDS + 60))
until curl -fsS --max-time 3 -G 'http://127.0.0.1:9091/api/v1/query' --data-urlencode 'query=up{job="medianest-backend"} == 1' | grep -q '"value"'; do
  (( SECONDS < deadline )) || die "Prometheus is not scraping medianest-backend (check http://127.0.0.1:9091/targets)"
  sleep 2
done
echo "Prometheus is scraping medianest-backend"

scripts/health-check.sh

cat <<EOT

Observability stack deployed.
  MediaNest     http://localhost:${MEDIANEST_PORT:-4000}
  Grafana       http://localhost:${GRAFANA_PORT:-3001}   (user ${GRAFANA_ADMIN_USER:-admin}, password GRAFANA_ADMIN_PASSWORD)
  Prometheus    http://127.0.0.1:9091
  Alertmanager  http://127.0.0.1:9093
  Jaeger        http://127.0.0.1:16686
  Metrics       http://127.0.0.1:9090/metrics
EOT
