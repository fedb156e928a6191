# syntax=docker/dockerfile:1
# MediaNest: one image serving the API, the built SPA, Socket.IO (port 4000)
# and /metrics (port 9090).
#
# Node 24, the current LTS line (Node 20 reached end of life in April 2026). `engines` in
# package.json still allows >=20.19 because CI tests on Node 20; .ci/run smoke-tests Node 24.
# Debian 13 (trixie) is the current Debian stable release.
ARG NODE_IMAGE=node:24-trixie-slim

# ---- build: install everything, compile contracts, backend and frontend ------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# manifests first so the dependency layer is cached across source changes
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY backend/package.json backend/
COPY frontend/package.json frontend/
RUN npm ci
COPY . .
RUN npm run build

# ---- deps: production dependencies only --------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY backend/package.json backend/
COPY frontend/package.json frontend/
RUN npm ci --omit=dev && npm cache clean --force

# ---- runtime -----------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=4000 \
    METRICS_PORT=9090 \
    DATA_DIR=/data
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=deps --chown=node:node /app/package.json ./package.json
# The contract's compiled request schemas (the backend requires them at run time)
COPY --from=build --chown=node:node /app/packages/contracts/package.json ./packages/contracts/package.json
COPY --from=build --chown=node:node /app/packages/contracts/dist ./packages/contracts/dist
COPY --from=build --chown=node:node /app/backend/package.json ./backend/package.json
COPY --from=build --chown=node:node /app/backend/dist ./backend/dist
# SQL migrations, applied at start-up (MIGRATIONS_FOLDER = backend/drizzle)
COPY --from=build --chown=node:node /app/backend/drizzle ./backend/drizzle
COPY --from=build --chown=node:node /app/frontend/package.json ./frontend/package.json
COPY --from=build --chown=node:node /app/frontend/dist ./frontend/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# One image for every role, chosen by JOBS_MODE: all (default: web + job processors), web (HTTP API,
# web app and Socket.IO only), worker (only the job processors; no port 4000, so give it its own health
# check on the metrics port). See docs/scaling.md.
CMD ["node", "backend/dist/main.js"]
