/**
 * The worker process (`node dist/worker.js`, scaled apart from the web
 * replicas): the container and the BullMQ
 * processors, plus its own /metrics listener (job counters and durations live
 * in the process that runs the jobs) — no HTTP API. Needs REDIS_URL and
 * DATABASE_URL: without Redis the jobs run inside the web process, and the
 * embedded database cannot be shared with another process.
 */
import type http from 'node:http';
import { ConfigError, type Config } from './config';
import { createContainer, type Container } from './container';
import { createMetricsServer } from './observability/metrics/metrics-server';
import { startDefaultMetrics } from './observability/metrics/catalog';
import { startBackgroundJobs } from './background-jobs';
import { listen } from './http/listen';
import { startRealtimeBroadcaster } from './realtime/socket';
import { logger } from './observability/logging/logger';
import { openProcessLogging, stopOnSignals } from './process-lifecycle';

/** Time for running jobs to finish and telemetry to flush after SIGTERM. */
export const WORKER_SHUTDOWN_BUDGET_MS = 10_000;

export interface RunningWorker {
  container: Container;
  metricsPort?: number;
  /** Lets running jobs finish (within the job budget) and closes everything. Safe to call more than once. */
  stop(): Promise<void>;
}

export async function startWorkerProcess(config: Config): Promise<RunningWorker> {
  if (!config.REDIS_URL) {
    throw new ConfigError('Invalid configuration: REDIS_URL is required by the worker (without Redis, jobs run inside the web process)');
  }
  if (!config.DATABASE_URL) {
    // An embedded database belongs to one process; a worker must share the web process's PostgreSQL.
    throw new ConfigError(
      'Invalid configuration: DATABASE_URL is required by the worker (the embedded database cannot be shared between processes)',
    );
  }
  if (config.PROMETHEUS_ENABLED) startDefaultMetrics();
  const container = await createContainer({ ...config, JOBS_MODE: 'worker' });
  // What the jobs publish (service status, request updates) reaches the web replicas' browsers through Redis.
  const realtime = startRealtimeBroadcaster({ events: container.events, redis: container.redis!, keyPrefix: config.REDIS_KEY_PREFIX });
  await startBackgroundJobs(container, 'worker');
  await container.playback?.start();
  container.ops.start();

  let metricsServer: http.Server | undefined;
  let metricsPort: number | undefined;
  if (config.PROMETHEUS_ENABLED) {
    const server = createMetricsServer({ token: config.METRICS_TOKEN });
    metricsServer = server;
    metricsPort = await listen(server, config.METRICS_PORT, config.METRICS_HOST, 'METRICS_PORT');
  }

  let stopping: Promise<void> | undefined;
  return {
    container,
    metricsPort,
    stop() {
      stopping ??= (async () => {
        if (metricsServer) {
          metricsServer.closeAllConnections();
          await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        }
        await container.jobs.close();
        await realtime.close();
        await container.close();
      })();
      return stopping;
    },
  };
}

/** The worker as a process (`node dist/worker.js`, or `node dist/main.js` with JOBS_MODE=worker): logger, processors, stop on signals. */
export async function runWorker(config: Config): Promise<void> {
  const logging = await openProcessLogging(config);
  // A worker without Redis and PostgreSQL is a configuration error (ConfigError): one line, exit 1.
  const running = await startWorkerProcess(config);
  logger().info({ event: 'worker.started', metrics_port: running.metricsPort }, 'MediaNest worker is processing background jobs');
  stopOnSignals({ event: 'worker', budgetMs: WORKER_SHUTDOWN_BUDGET_MS, stop: () => running.stop(), logging });
}
