#!/usr/bin/env bash
# Offline checks of the monitoring stack; exits 1 if any fails. For CI.
#
#   scripts/check-monitoring.sh
#
# Needs: promtool (Debian package prometheus), amtool or the Alertmanager
# binary (prometheus-alertmanager), node >= 20 with the `yaml` package
# installed; shellcheck is used when present.
# no "set -e": every step runs and reports, the exit code sums them up
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
readonly PROM_DIR=infrastructure/prometheus
readonly AM_CONFIG=infrastructure/alertmanager/alertmanager.yml
passed=0
failed=0
failures=()
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

step() { # name command...
  local name="$1"
  shift
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "-- FAILED: $name"
  fi
}

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "$1 not found: $2" >&2; return 1; }
}

yaml_syntax() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node --input-type=module -e '
    import fs from "node:fs";
    import YAML from "yaml";
    let bad = 0;
    for (const file of process.argv.slice(1)) {
      const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"), { uniqueKeys: true });
      for (const e of [...doc.errors, ...doc.warnings]) { console.error(`${file}: ${e.message}`); bad += 1; }
    }
    if (bad === 0) console.log(`${process.argv.length - 1} YAML files parse`);
    process.exit(bad ? 1 : 0);
  ' "$@"
}

alertmanager_config() {
  if command -v amtool >/dev/null 2>&1; then
    amtool check-config "$AM_CONFIG"
    return
  fi
  # No amtool: load the configuration in a short-lived Alertmanager on loopback.
  local bin port pid status=1
  bin="$(command -v prometheus-alertmanager || command -v alertmanager)" || { echo "neither amtool nor alertmanager found (Debian: prometheus-alertmanager)" >&2; return 1; }
  port=$((20000 + RANDOM % 20000))
  "$bin" --config.file="$AM_CONFIG" --storage.path="$scratch/am" --cluster.listen-address= \
    --web.listen-address="127.0.0.1:$port" >"$scratch/am.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 40); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/-/ready" 2>/dev/null; then status=0; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if (( status != 0 )); then cat "$scratch/am.log" >&2; else echo "Alertmanager loaded $AM_CONFIG"; fi
  return "$status"
}

# promtool tests each file on its own (they are independent), two at a time: a rule test keeps one core
# busy, and application_test.yml alone takes about half of the sequential time. Outputs come in file order.
rule_tests() {
  local file status=0
  # shellcheck disable=SC2016 # expanded by the inner shell
  printf '%s\0' "$PROM_DIR"/tests/*.yml |
    xargs -0 -P 2 -I {} sh -c 'promtool test rules "$1" >"$2/$(basename "$1").out" 2>&1 || touch "$2/$(basename "$1").failed"' _ {} "$scratch"
  for file in "$PROM_DIR"/tests/*.yml; do
    cat "$scratch/$(basename "$file").out"
    [ ! -e "$scratch/$(basename "$file").failed" ] || status=1
  done
  return "$status"
}

dashboard_promql() {
  node scripts/check-dashboards.mjs --promtool-rules "$scratch/dashboard-queries.yml" &&
    promtool check rules "$scratch/dashboard-queries.yml"
}

shell_scripts() {
  if ! command -v shellcheck >/dev/null 2>&1; then
    echo "shellcheck not installed; skipped (Debian: shellcheck)"
    return 0
  fi
  shellcheck scripts/*.sh && echo "shellcheck: scripts/*.sh clean"
}

need promtool "install the Debian package prometheus" || exit 1
need node "install Node.js 20" || exit 1

step "promtool check config"        promtool check config "$PROM_DIR/prometheus.yml"
step "promtool check rules"         promtool check rules "$PROM_DIR/recording_rules.yml" "$PROM_DIR/alert_rules.yml"
step "promtool test rules"          rule_tests
step "alert rule conventions"       node scripts/check-alert-rules.mjs
step "alertmanager config"          alertmanager_config
step "YAML syntax"                  yaml_syntax "$PROM_DIR"/*.yml "$PROM_DIR"/tests/*.yml "$AM_CONFIG" \
                                      infrastructure/grafana/provisioning/*/*.yml infrastructure/loki/loki-config.yml
step "grafana dashboards"           node scripts/check-dashboards.mjs
step "dashboard PromQL parses"      dashboard_promql
step "compose files"                node scripts/validate-compose.mjs
step "shell scripts"                shell_scripts

echo
if (( failed > 0 )); then echo "failed: ${failures[*]}"; fi
echo "monitoring: $passed passed, $failed failed"
(( failed == 0 ))
