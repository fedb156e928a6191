#!/usr/bin/env bash
# Builds the Dockerfile as a self-hoster does and runs the image, failing on the first thing a user
# would trip over:
#   - the build (podman in Docker format, so HEALTHCHECK is kept; docker where its engine runs),
#   - the image: HEALTHCHECK present, runs as a non-root user, /data owned by it with mode 0700,
#     no test, benchmark, e2e or fake file under /app, its size (and what it consists of),
#   - a container (port published on 127.0.0.1 only, a named volume on /data): /health/ready
#     answers 200, the HEALTHCHECK passes, SIGTERM ends it with exit 0 within the drain and shutdown
#     budget,
#   - docker-compose.yml: valid, and its `app` service started from the image with podman-compose
#     (embedded database: PostgreSQL's and Redis's images cannot be pulled here) until healthy.
# Where the Dockerfile's base images cannot be pulled, scripts/image-base.sh builds stand-ins under
# the official names (kept in the image store, so later runs reuse them).
#
#   scripts/image-test.sh
#
# IMAGE_TEST_TAG names the image (default medianest:local, the name docker-compose.yml uses);
# IMAGE_TEST_MAX_MB is the size limit (350 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
tag=${IMAGE_TEST_TAG:-medianest:local}
max_mb=${IMAGE_TEST_MAX_MB:-350}
run_id="medianest-image-test-$$"
scratch=$(mktemp -d)
say() { echo "== image: $*"; }
fail() {
  echo "image test FAILED: $*" >&2
  exit 1
}

# ----------------------------------------------------------------- engine
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=docker
  build_args=()
elif command -v podman >/dev/null; then
  engine=podman
  # This machine's cgroups: crun refuses them, and so does any default ulimit.
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' >"$scratch/containers.conf"
  export CONTAINERS_CONF="$scratch/containers.conf"
  build_args=(--format docker --jobs 2)
else
  fail "neither podman nor a running docker engine (Debian: podman runc uidmap)"
fi
e() { if [ "$engine" = podman ]; then podman --runtime=runc "$@"; else docker "$@"; fi; }

cleanup() {
  e rm -f -t 0 "$run_id" >/dev/null 2>&1 || true
  e volume rm -f "$run_id" >/dev/null 2>&1 || true
  if [ -f "$scratch/compose-up" ]; then compose down -v >/dev/null 2>&1 || true; fi
  # podman-compose 1.0 leaves the networks it made
  e network ls --format '{{.Name}}' 2>/dev/null | grep "^$run_id-" | while read -r net; do e network rm -f "$net" >/dev/null 2>&1 || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

free_port() { node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"; }
# Waits until GET url answers 200 while container $2 runs; prints the seconds it took.
wait_ready() {
  local url=$1 ctr=$2 t0=$SECONDS
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      echo $((SECONDS - t0))
      return 0
    fi
    [ "$(e inspect --format '{{.State.Running}}' "$ctr" 2>/dev/null)" = true ] || break
    sleep 0.5
  done
  e logs "$ctr" >&2 || true
  return 1
}
mb() { echo $(($1 / 1000000)); }
# The container's health check, run by hand (podman schedules it through systemd); as the engines do,
# unhealthy only after `retries` (3) failures in a row.
healthy() {
  for _ in 1 2 3; do
    if e healthcheck run "$1" >/dev/null 2>&1; then return 0; fi
  done
  e healthcheck run "$1" >&2 || true
  return 1
}

# ------------------------------------------------------------ base images
# The name as the engines store it: node:24-trixie-slim is docker.io/library/node:24-trixie-slim.
qualify() {
  local first=${1%%/*}
  if [[ $1 == */* && ($first == *.* || $first == *:* || $first == localhost) ]]; then
    echo "$1"
  elif [[ $1 == */* ]]; then
    echo "docker.io/$1"
  else
    echo "docker.io/library/$1"
  fi
}
dockerfile_arg() { sed -n "s/^ARG $1=//p" Dockerfile | head -n 1; }
node_base=$(qualify "$(dockerfile_arg NODE_IMAGE)")
runtime_base=$(qualify "$(dockerfile_arg DEBIAN_IMAGE)")
if [ "$node_base" = docker.io/library/ ] || [ "$runtime_base" = docker.io/library/ ]; then
  fail "the Dockerfile names no base images (ARG NODE_IMAGE=..., ARG DEBIAN_IMAGE=...)"
fi
present() { e image exists "$1" 2>/dev/null || e image inspect "$1" >/dev/null 2>&1; }
missing=0
for base in "$node_base" "$runtime_base"; do
  if present "$base"; then
    say "base $base is in the image store"
  elif timeout 180 "$engine" pull -q "$base" >/dev/null 2>&1; then
    say "base $base pulled"
  else
    missing=1
  fi
done
if [ "$missing" = 1 ]; then
  say "the base images cannot be pulled: building stand-ins"
  scripts/image-base.sh "$engine" "$node_base" "$runtime_base"
fi
stand_in=$(e image inspect --format '{{index .Config.Labels "org.medianest.stand-in-base"}}' "$runtime_base" 2>/dev/null || true)
[ "$stand_in" != "<no value>" ] || stand_in=""

# ------------------------------------------------------------------ build
say "building $tag ($engine${build_args[*]:+ ${build_args[*]}})"
previous_id=$(e image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
t0=$SECONDS
e build "${build_args[@]}" --network host -t "$tag" -f Dockerfile . >"$scratch/build.log" 2>&1 || {
  tail -n 60 "$scratch/build.log" >&2
  fail "the build failed"
}
build_s=$((SECONDS - t0))
say "built in ${build_s}s"
# The image this build replaced under the tag is this script's own leftover (in use: kept).
if [ -n "$previous_id" ] && [ "$previous_id" != "$(e image inspect --format '{{.Id}}' "$tag")" ]; then
  e rmi "$previous_id" >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------- image checks
healthcheck=$(e image inspect --format '{{json .Config.Healthcheck}}' "$tag" 2>/dev/null || true)
if [ -z "$healthcheck" ] || [ "$healthcheck" = null ]; then
  healthcheck=$(e image inspect --format '{{json .HealthCheck}}' "$tag" 2>/dev/null || true)
fi
[[ $healthcheck == *health/live* ]] || fail "the image has no HEALTHCHECK (podman keeps it only with --format docker): $healthcheck"
say "HEALTHCHECK kept: $healthcheck"
[ "$(e image inspect --format '{{.Config.User}}' "$tag")" = node ] || fail "the image does not run as the node user"

# One look inside a fresh container: who runs, /data as a new (anonymous) volume starts, every file under /app.
# shellcheck disable=SC2016 # JavaScript, not shell
e run --rm --network none --health-cmd=none "$tag" node -e '
  const fs = require("node:fs");
  const path = require("node:path");
  const data = fs.statSync("/data");
  console.log(`user ${process.getuid()}:${process.getgid()} /data ${data.uid}:${data.gid} ${(data.mode & 0o777).toString(8)}`);
  const sizes = { node_modules: 0, app: 0 };
  // Symbolic links (the workspaces under node_modules/@medianest) are not followed: each file once.
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const stat = fs.lstatSync(file);
      if (stat.isDirectory()) walk(file);
      else if (stat.isFile()) {
        const rel = path.relative("/app", file);
        if (rel.startsWith("node_modules/")) sizes.node_modules += stat.size;
        else { sizes.app += stat.size; console.log(`file ${rel}`); }
      }
    }
  };
  walk("/app");
  console.log(`bytes ${sizes.node_modules} ${sizes.app} ${fs.statSync(process.execPath).size}`);
' >"$scratch/inside.txt" 2>"$scratch/inside.err" || { cat "$scratch/inside.err" >&2; fail "could not run node in the image"; }
read -r _ who _ data_owner data_mode < <(grep '^user ' "$scratch/inside.txt")
[ "${who%%:*}" != 0 ] || fail "the image runs as root"
[ "$data_owner" = "$who" ] || fail "/data belongs to $data_owner, not to the user the image runs as ($who)"
[ "$data_mode" = 700 ] || fail "/data has mode $data_mode, not 0700"
say "runs as uid:gid $who; /data is theirs, mode 0$data_mode"
sed -n 's/^file //p' "$scratch/inside.txt" >"$scratch/app-files.txt"
grep -E '(^|/)(test|tests|__tests__|fakes?|bench|dist-bench|e2e)(/|$)|\.(test|spec|drill)\.[cm]?[jt]s(\.map)?$|(^|/)vitest\.' \
  "$scratch/app-files.txt" >"$scratch/test-files.txt" || true
if [ -s "$scratch/test-files.txt" ]; then
  head -n 40 "$scratch/test-files.txt" >&2
  fail "$(wc -l <"$scratch/test-files.txt") test, benchmark, e2e or fake files under /app"
fi
say "no test, benchmark, e2e or fake files among the $(wc -l <"$scratch/app-files.txt") files under /app (node_modules aside)"

read -r _ nm_bytes app_bytes node_bytes < <(grep '^bytes ' "$scratch/inside.txt")
image_bytes=$(e image inspect --format '{{.Size}}' "$tag")
base_bytes=$(e image inspect --format '{{.Size}}' "$runtime_base")
parts="base $(mb "$base_bytes") MB, node $(mb "$node_bytes") MB, node_modules $(mb "$nm_bytes") MB, MediaNest $(mb "$app_bytes") MB"
if [ -n "$stand_in" ]; then
  say "size $(mb "$image_bytes") MB on the stand-in base ($stand_in): $parts"
else
  say "size $(mb "$image_bytes") MB: $parts"
fi
[ "$(mb "$image_bytes")" -lt "$max_mb" ] || fail "the image is $(mb "$image_bytes") MB, over the $max_mb MB target"

# ------------------------------------------------------------ container
drain_ms=1000
budget_ms=$(sed -n 's/^export const SHUTDOWN_BUDGET_MS = \([0-9_]*\);.*/\1/p' backend/src/server.ts | tr -d _)
[ -n "$budget_ms" ] || fail "cannot read SHUTDOWN_BUDGET_MS from backend/src/server.ts"
port=$(free_port)
say "starting a container on 127.0.0.1:$port with a new volume on /data"
# (Without systemd podman cannot schedule the health check, and says so: it is run by hand below.)
e run -d --name "$run_id" -p "127.0.0.1:$port:4000" -v "$run_id:/data" \
  -e SHUTDOWN_DRAIN_MS="$drain_ms" -e ADMIN_PASSWORD=image-test-admin-password -e LOG_LEVEL=warn "$tag" \
  >/dev/null 2>"$scratch/run.err" || { cat "$scratch/run.err" >&2; fail "the container did not start"; }
ready_s=$(wait_ready "http://127.0.0.1:$port/health/ready" "$run_id") || fail "GET /health/ready never answered 200"
say "ready in ${ready_s}s: $(curl -fsS "http://127.0.0.1:$port/health/ready")"
# The server, not root, and DATA_DIR owner-only all the way down (0700 folders, 0600 files).
# shellcheck disable=SC2016 # JavaScript, not shell
e exec "$run_id" node -e 'const fs = require("node:fs");
  const path = require("node:path");
  const uid = fs.readFileSync("/proc/1/status", "utf8").match(/^Uid:\s+(\d+)/m)[1];
  const open = [];
  const walk = (p) => {
    const stat = fs.lstatSync(p);
    if (!stat.isSymbolicLink() && (stat.mode & 0o077) !== 0) open.push(`${p} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk("/data");
  if (uid === "0" || open.length > 0) { console.error(`process 1 uid ${uid}; readable by others: ${open.slice(0, 10).join(", ")}`); process.exit(1); }' ||
  fail "the running server is root, or something in /data is open to group or others"
if [ "$engine" = podman ]; then
  healthy "$run_id" || fail "the HEALTHCHECK fails on a ready container"
else
  e exec "$run_id" node -e "fetch('http://127.0.0.1:4000/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" ||
    fail "the HEALTHCHECK's URL fails on a ready container"
fi
say "HEALTHCHECK passes"

limit_s=$(((drain_ms + budget_ms) / 1000 + 5))
t0=$SECONDS
e kill --signal TERM "$run_id" >/dev/null
exit_code=$(timeout "$limit_s" "$engine" wait "$run_id" 2>/dev/null | tail -n 1) || true
[ -n "$exit_code" ] || fail "still running ${limit_s}s after SIGTERM (drain ${drain_ms} ms + shutdown budget ${budget_ms} ms)"
[ "$exit_code" = 0 ] || { e logs "$run_id" >&2; fail "exit code $exit_code after SIGTERM"; }
say "SIGTERM: exit 0 after $((SECONDS - t0))s (limit ${limit_s}s)"

# --------------------------------------------------------------- compose
node scripts/validate-compose.mjs >/dev/null || fail "docker-compose.yml does not validate (node scripts/validate-compose.mjs)"
say "docker-compose.yml validates"
compose_cmd=()
if [ "$engine" = podman ] && command -v podman-compose >/dev/null; then
  compose_cmd=(podman-compose)
elif [ "$engine" = docker ] && docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
fi
if [ ${#compose_cmd[@]} -gt 0 ]; then
  # The `app` service as written in docker-compose.yml, alone (PostgreSQL's and Redis's images cannot be pulled
  # here; podman-compose 1.0 starts dependencies even with --no-deps): its dependencies and their URLs left
  # out, so it runs on the embedded database; published on loopback, under this run's own names.
  compose_port=$(free_port)
  # shellcheck disable=SC2016 # JavaScript, not shell
  node --input-type=module -e '
    import fs from "node:fs";
    import YAML from "yaml";
    const [file, out, id, root] = process.argv.slice(1);
    const compose = YAML.parse(fs.readFileSync(file, "utf8"));
    const app = compose.services.app;
    delete app.depends_on;
    app.build.context = root;
    app.container_name = `${id}-app`;
    Object.assign(app.environment, { DATABASE_URL: "", REDIS_URL: "" });
    const networks = Object.fromEntries(Object.keys(compose.networks).map((n) => [n, { name: `${id}-${n}` }]));
    fs.writeFileSync(out, YAML.stringify({ services: { app }, volumes: compose.volumes, networks }));
  ' docker-compose.yml "$scratch/compose.yml" "$run_id" "$PWD"
  compose() {
    POSTGRES_PASSWORD=unused MEDIANEST_PORT="127.0.0.1:$compose_port" ADMIN_PASSWORD=image-test-admin-password \
      "${compose_cmd[@]}" -p "$run_id" -f "$scratch/compose.yml" "$@"
  }
  say "docker-compose.yml: starting the app service with ${compose_cmd[*]}"
  touch "$scratch/compose-up"
  compose up -d >"$scratch/compose.log" 2>&1 || { cat "$scratch/compose.log" >&2; fail "compose up failed"; }
  ready_s=$(wait_ready "http://127.0.0.1:$compose_port/health/ready" "$run_id-app") || fail "the compose app service never became ready"
  mounts=$(e inspect --format '{{range .Mounts}}{{.Type}}:{{.Destination}} {{end}}' "$run_id-app")
  [[ $mounts == *volume:/data* ]] || fail "the compose app service has no volume on /data ($mounts)"
  if [ "$engine" = podman ]; then
    healthy "$run_id-app" || fail "the compose app service's health check fails"
  fi
  say "compose app service: ready in ${ready_s}s on 127.0.0.1:$compose_port, volume on /data, healthy"
  compose down -v >"$scratch/compose.log" 2>&1 || { cat "$scratch/compose.log" >&2; fail "compose down failed"; }
  rm -f "$scratch/compose-up"
else
  say "no podman-compose or docker compose: docker-compose.yml validated, not started"
fi

say "passed in $((SECONDS - started))s"
