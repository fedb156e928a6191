# syntax=docker/dockerfile:1
# MediaNest: one image serving the API, the built SPA, Socket.IO (port 4000)
# and /metrics (port 9090).
#
# Node 24, the current LTS line (Node 20 reached end of life in April 2026). `engines` in
# package.json still allows >=20.19 because CI tests on Node 20; scripts/image-test.sh (run by .ci/run) builds
# and starts this image on Node 24.
# Debian 13 (trixie) is the current Debian stable release.
ARG NODE_IMAGE=node:24-trixie-slim
# The runtime is the same Debian release with only the node binary added: npm, yarn and Node.js's C
# headers (about 80 MB of the Node.js image) are needed to build, not to run.
ARG DEBIAN_IMAGE=debian:trixie-slim

# ---- install: the workspaces' packages ---------------------------------------
FROM ${NODE_IMAGE} AS install
WORKDIR /app
# manifests first so the dependency layer is cached across source changes
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY backend/package.json backend/
COPY frontend/package.json frontend/
# The workspaces' packages only: the root's dev tools (ESLint, Prettier, the Kubernetes models) build nothing.
# npm's download cache is a build cache (BuildKit, podman), in no layer: when a manifest changes, the packages
# that did not are not downloaded again, and the deps stage installs from what this one downloaded.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund -w packages/contracts -w backend -w frontend

# ---- build: compile contracts, backend and frontend ---------------------------
FROM install AS build
COPY . .
# The embedded database template is made owner-only; the runtime's `node` user copies it into /data on
# first start, from a tree that belongs to root. What the runtime takes from the build is gathered in
# /release, so that it is one layer to copy: the root manifest; the contract's compiled request schemas
# (the backend requires them at run time); the backend and its SQL migrations, applied at start-up
# (MIGRATIONS_FOLDER = backend/drizzle); the built web app.
RUN npm run build && chmod -R a+rX backend/dist \
  && mkdir /release && cp -a --parents package.json packages/contracts/package.json packages/contracts/dist \
       backend/package.json backend/dist backend/drizzle frontend/package.json frontend/dist /release/

# ---- deps: production dependencies only (beside the build) -------------------
FROM install AS deps
ENV NODE_ENV=production
# A new install (npm ci first removes node_modules), from the install stage's downloads where it can: the
# backend's run-time dependencies (and the contract it links): the web app is static files by then.
# TypeScript stays in such an install (the web app's i18next names it as an optional peer) and goes;
# so do what nothing reads at run time: the packages' type declarations, TypeScript sources, source
# maps and documents (licences stay).
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --omit=dev --prefer-offline -w backend \
  && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
  && find node_modules -type f \( -name '*.ts' -o -name '*.cts' -o -name '*.mts' -o -name '*.map' \
       -o -iname '*.md' -o -iname '*.markdown' -o -name '*.tsbuildinfo' \) ! -iname 'licen[cs]e*' -delete

# ---- runtime -----------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS runtime
# The Node.js image's node binary and its `node` user (uid and gid 1000)
COPY --from=build /usr/local/bin/node /usr/local/bin/node
# DATA_DIR is private to the `node` user (0700): a new volume mounted here starts with this owner and mode.
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
  && install -d -m 0700 -o node -g node /data
WORKDIR /app
ENV NODE_ENV=production \
    PORT=4000 \
    METRICS_PORT=9090 \
    DATA_DIR=/data
# The program is root's and read-only to the `node` user that runs it; only /data is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /release/ ./
USER node
VOLUME ["/data"]
EXPOSE 4000 9090
# Liveness on the API port (PORT, 4000 unless changed); `podman build` keeps it only with --format docker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/health/live`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# --max-semi-space-size=8: a smaller young generation keeps the memory after a burst of requests under
# 200 MB; --initial-old-space-size=64: no full collections while starting (backend/src/launch-flags.ts;
# npm start and the Kubernetes manifests pass the same flags).
# One image for every role, chosen by JOBS_MODE: all (default: web + job processors), web (HTTP API,
# web app and Socket.IO only), worker (only the job processors; no port 4000, so give it its own health
# check on the metrics port). See docs/scaling.md.
CMD ["node", "--max-semi-space-size=8", "--initial-old-space-size=64", "backend/dist/main.js"]
