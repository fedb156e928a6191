#!/usr/bin/env bash
# Smoke test of MediaNest on another Node.js release: builds the backend with the given node
# binary, starts it in embedded mode (PGlite, no Redis) on a free loopback port, waits for
# GET /health/ready to answer 200, then stops it with SIGTERM and expects a clean exit.
#   scripts/smoke-node.sh /path/to/node
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=${1:?usage: scripts/smoke-node.sh /path/to/node}
version=$("$node_bin" --version)

echo "== smoke test on Node $version: build"
# The same steps as the backend's build script: the shared contract, the backend, the embedded database template.
"$node_bin" node_modules/typescript/bin/tsc -p packages/contracts/tsconfig.build.json
"$node_bin" node_modules/typescript/bin/tsc -p backend/tsconfig.build.json
"$node_bin" backend/dist/db/build-embedded-template.js

data_dir=$(mktemp -d)
log="$data_dir/medianest.out"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

port=$("$node_bin" -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")
# A clean environment: nothing from the shell (DATABASE_URL, REDIS_URL, …) leaks into embedded mode.
env -i PATH="$PATH" HOME="$data_dir" NODE_ENV=production HOST=127.0.0.1 PORT="$port" \
  METRICS_HOST=127.0.0.1 METRICS_PORT=0 DATA_DIR="$data_dir" LOG_LEVEL=warn \
  ADMIN_PASSWORD=smoke-test-admin-password \
  "$node_bin" backend/dist/main.js >"$log" 2>&1 &
pid=$!

echo "== smoke test on Node $version: start on 127.0.0.1:$port"
ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  if ready=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health/ready" 2>/dev/null); then break; fi
  ready=""
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "MediaNest on Node $version did not become ready; its output:" >&2
  cat "$log" >&2
  exit 1
fi
echo "GET /health/ready → $ready"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
if [ "$status" -ne 0 ]; then
  echo "MediaNest on Node $version exited with $status after SIGTERM; its output:" >&2
  cat "$log" >&2
  exit 1
fi
echo "== smoke test on Node $version: passed (ready, then a clean stop)"
