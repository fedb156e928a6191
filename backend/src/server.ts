/**
 * Starts MediaNest: container → app → HTTP listener (+ metrics listener,
 * Socket.IO, background jobs), and stops it gracefully: answer /health/ready
 * with 503 for SHUTDOWN_DRAIN_MS while still serving (a load balancer takes
 * the replica out of rotation), stop accepting, close WebSocket connections
 * as a server shutdown (clients reconnect elsewhere and recover their state),
 * let in-flight requests finish (up to the budget), then close the job
 * queues, the database and Redis.
 */
import http from 'node:http';
import { buildApp } from './app';
import type { Config } from './config';
import { createContainer, type Container } from './container';
import type { IntegrationOptions } from './integrations/integrations';
import { startBackgroundJobs } from './background-jobs';
import { cookieIdentity, storedSessionIdentity } from './features/auth/middleware';
import { warnIfTrustingEveryProxy } from './http/trust-proxy';
import { attachRealtime } from './realtime/socket';
import { logger } from './observability/logging/logger';
import { createMetricsServer } from './observability/metrics/metrics-server';
import { startDefaultMetrics } from './observability/metrics/catalog';
import { listen } from './http/listen';
import { createAppServer } from './http/app-server';

export const SHUTDOWN_BUDGET_MS = 10_000;

export interface RunningServer {
  container: Container;
  server: http.Server;
  metricsServer?: http.Server;
  port: number;
  metricsPort?: number;
  /** Resolves when everything is closed. Safe to call more than once. */
  stop(): Promise<void>;
}

export async function startServer(
  config: Config,
  hooks: { onAdminPassword?: (password: string) => void; integrations?: IntegrationOptions } = {},
): Promise<RunningServer> {
  if (config.PROMETHEUS_ENABLED) startDefaultMetrics();
  warnIfTrustingEveryProxy(config.TRUST_PROXY);
  const container = await createContainer(config, hooks.integrations);
  const generated = await container.auth.ensureAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD);
  if (generated) hooks.onAdminPassword?.(generated);

  const app = buildApp(container);
  const server = createAppServer(app);
  server.keepAliveTimeout = 65_000;
  const realtime = attachRealtime(server, {
    events: container.events,
    identify: cookieIdentity(container.sessions, container.users),
    identifyStored: storedSessionIdentity(container.sessions, container.users),
    redis: container.redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    publicUrl: config.PUBLIC_URL,
  });
  const port = await listen(server, config.PORT, config.HOST, 'PORT');
  await startBackgroundJobs(container, config.JOBS_MODE);
  await container.playback?.start();
  container.ops.start();

  let metricsServer: http.Server | undefined;
  let metricsPort: number | undefined;
  if (config.PROMETHEUS_ENABLED) {
    metricsServer = createMetricsServer({ token: config.METRICS_TOKEN });
    metricsPort = await listen(metricsServer, config.METRICS_PORT, config.METRICS_HOST, 'METRICS_PORT');
  }

  let stopping: Promise<void> | undefined;
  let closing = false;
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (closing) res.setHeader('Connection', 'close');
  });
  const stop = () => {
    stopping ??= (async () => {
      if (config.SHUTDOWN_DRAIN_MS > 0) {
        container.health.drain();
        logger().info(
          { event: 'shutdown.draining', drain_ms: config.SHUTDOWN_DRAIN_MS },
          'Draining: readiness answers 503 while requests are still served',
        );
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
      }
      // From now on every response asks its client to close the connection: a keep-alive client that
      // keeps sending would otherwise hold server.close() open for as long as it keeps sending.
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger().warn({ event: 'shutdown.timeout' }, 'In-flight requests did not finish in time; closing them');
          server.closeAllConnections();
          resolve();
        }, SHUTDOWN_BUDGET_MS);
      });
      // WebSocket connections would hold server.close() open: they end first, as a recoverable shutdown.
      // (Socket.IO's close also waits for the HTTP server to close, so it runs inside the same budget.)
      await Promise.race([realtime.close(), budget]);
      await Promise.race([closed, budget]);
      clearTimeout(timer);
      if (metricsServer) {
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      }
      await container.close();
    })();
    return stopping;
  };

  return { container, server, metricsServer, port, metricsPort, stop };
}
