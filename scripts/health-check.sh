#!/usr/bin/env bash
# One line per MediaNest component; exits 1 when any checked component is down.
#
#   scripts/health-check.sh              check everything (compose deployment defaults)
#   scripts/health-check.sh --metrics    also print a few MediaNest metrics
#   HEALTH_CHECK_COMPONENTS="medianest postgres redis" scripts/health-check.sh
#   SKIP_JAEGER=1 SKIP_LOKI=1 scripts/health-check.sh
#
# Components: medianest postgres redis prometheus alertmanager grafana loki jaeger
# Where to find them (defaults are the ports docker-compose*.yml publish):
#   MEDIANEST_URL      http://localhost:4000          GET /health/ready
#   POSTGRES_HOST/PORT/USER/DB  127.0.0.1 5432 medianest medianest  (pg_isready, else psql)
#   REDIS_HOST/PORT    127.0.0.1 6379                 PING (redis-cli, else bash /dev/tcp);
#                                                     REDISCLI_AUTH for a password
#   PROMETHEUS_URL     http://127.0.0.1:9091          GET /-/healthy
#   ALERTMANAGER_URL   http://127.0.0.1:9093          GET /-/healthy
#   GRAFANA_URL        http://localhost:3001          GET /api/health
#   LOKI_URL           http://127.0.0.1:3100          GET /ready
#   JAEGER_HEALTH_URL  http://127.0.0.1:14269/        Jaeger admin health endpoint
#   METRICS_URL        http://127.0.0.1:9090/metrics  (--metrics; METRICS_TOKEN if set)
#   HEALTH_CHECK_TIMEOUT  5 (seconds per check)
set -euo pipefail

readonly ALL_COMPONENTS="medianest postgres redis prometheus alertmanager grafana loki jaeger"
readonly TIMEOUT="${HEALTH_CHECK_TIMEOUT:-5}"
show_metrics=false
for arg in "$@"; do
  case "$arg" in
    --metrics) show_metrics=true ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "health-check: unknown argument $arg" >&2; exit 2 ;;
  esac
done

down=()
checked=0

report() { # status component target detail
  printf '%-5s %-13s %s%s\n' "$1" "$2" "$3" "${4:+  ($4)}"
  checked=$((checked + 1))
  if [[ "$1" != "OK" ]]; then down+=("$2"); fi
}

# GET url; OK on 2xx. Detail: the status code, or curl's error.
check_http() {
  local name="$1" url="$2" body code err
  body="$(mktemp)"
  err="$(mktemp)"
  if code="$(curl -sS -o "$body" -w '%{http_code}' --max-time "$TIMEOUT" "$url" 2>"$err")" && [[ "$code" == 2* ]]; then
    report OK "$name" "$url" "HTTP $code"
  elif [[ "$code" =~ ^[1-9] ]]; then
    report DOWN "$name" "$url" "HTTP $code: $(tr -s '\n\t ' ' ' < "$body" | cut -c1-160)"
  else
    report DOWN "$name" "$url" "$(sed 's/^curl: ([0-9]*) //' "$err" | head -n 1)"
  fi
  rm -f "$body" "$err"
}

check_postgres() {
  local host="${POSTGRES_HOST:-127.0.0.1}" port="${POSTGRES_PORT:-5432}" user="${POSTGRES_USER:-medianest}" db="${POSTGRES_DB:-medianest}"
  local target="postgres://$user@$host:$port/$db" out
  if command -v pg_isready >/dev/null 2>&1; then
    if out="$(pg_isready -h "$host" -p "$port" -U "$user" -d "$db" -t "$TIMEOUT" 2>&1)"; then
      report OK postgres "$target" "pg_isready"
    else
      report DOWN postgres "$target" "pg_isready: ${out#*- }"
    fi
  elif command -v psql >/dev/null 2>&1; then
    if out="$(PGCONNECT_TIMEOUT="$TIMEOUT" psql -h "$host" -p "$port" -U "$user" -d "$db" -tAc 'select 1' 2>&1)"; then
      report OK postgres "$target" "psql"
    else
      report DOWN postgres "$target" "psql: $(head -n 1 <<<"$out")"
    fi
  else
    report DOWN postgres "$target" "neither pg_isready nor psql is installed (Debian: postgresql-client)"
  fi
}

check_redis() {
  local host="${REDIS_HOST:-127.0.0.1}" port="${REDIS_PORT:-6379}" reply=""
  local target="redis://$host:$port"
  if command -v redis-cli >/dev/null 2>&1; then
    reply="$(timeout "$TIMEOUT" redis-cli -h "$host" -p "$port" ping 2>&1 || true)"
  else
    # RESP over bash's /dev/tcp when redis-cli is not installed
    # shellcheck disable=SC2016 # expanded by the inner shell, which gets host and port as $1 and $2
    reply="$(timeout "$TIMEOUT" bash -c '
      exec 3<>"/dev/tcp/$1/$2" || exit 1
      if [[ -n "${REDISCLI_AUTH:-}" ]]; then printf "AUTH %s\r\n" "$REDISCLI_AUTH" >&3; read -r _ <&3; fi
      printf "PING\r\n" >&3
      read -r line <&3
      printf "%s" "$line"' _ "$host" "$port" 2>&1 | tr -d '\r' || true)"
    reply="${reply#+}"
  fi
  if [[ "$reply" == "PONG" ]]; then
    report OK redis "$target" "PONG"
  else
    report DOWN redis "$target" "${reply:-no answer}"
  fi
}

enabled() { # component -> 0 when it is to be checked
  local name="$1" skip_var
  skip_var="SKIP_$(tr '[:lower:]' '[:upper:]' <<<"$name")"
  [[ " ${HEALTH_CHECK_COMPONENTS:-$ALL_COMPONENTS} " == *" $name "* ]] && [[ "${!skip_var:-0}" != "1" ]]
}

for component in ${HEALTH_CHECK_COMPONENTS:-$ALL_COMPONENTS}; do
  [[ " $ALL_COMPONENTS " == *" $component "* ]] || { echo "health-check: unknown component \"$component\" (known: $ALL_COMPONENTS)" >&2; exit 2; }
done

echo "MediaNest health check"
enabled medianest    && check_http medianest "${MEDIANEST_URL:-http://localhost:4000}/health/ready"
enabled postgres     && check_postgres
enabled redis        && check_redis
enabled prometheus   && check_http prometheus "${PROMETHEUS_URL:-http://127.0.0.1:9091}/-/healthy"
enabled alertmanager && check_http alertmanager "${ALERTMANAGER_URL:-http://127.0.0.1:9093}/-/healthy"
enabled grafana      && check_http grafana "${GRAFANA_URL:-http://localhost:3001}/api/health"
enabled loki         && check_http loki "${LOKI_URL:-http://127.0.0.1:3100}/ready"
enabled jaeger       && check_http jaeger "${JAEGER_HEALTH_URL:-http://127.0.0.1:14269/}"

if [[ "$show_metrics" == true ]]; then
  echo
  echo "Metrics summary (${METRICS_URL:-http://127.0.0.1:9090/metrics}):"
  auth=()
  if [[ -n "${METRICS_TOKEN:-}" ]]; then auth=(-H "Authorization: Bearer $METRICS_TOKEN"); fi
  curl -fsS --max-time "$TIMEOUT" "${auth[@]}" "${METRICS_URL:-http://127.0.0.1:9090/metrics}" 2>&1 \
    | grep -E '^medianest_(user_sessions_active|http_requests_in_flight|dependency_up|circuit_breaker_state|build_info)[ {]' | head -n 20 || true
fi

echo
if (( ${#down[@]} > 0 )); then
  echo "${#down[@]} of $checked components down: ${down[*]}"
  exit 1
fi
echo "All $checked components healthy"
