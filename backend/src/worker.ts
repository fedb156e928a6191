/**
 * Worker entry (`node dist/worker.js`): runs only the background job
 * processors, so they scale apart from the web replicas (which then run with
 * JOBS_MODE=web). tracing → config → logger → processors; SIGTERM/SIGINT →
 * running jobs finish within the budget, connections close, telemetry flushes.
 */
// First import, on purpose: instrumentations must be in place before ioredis, pg and undici load.
import { shutdownTracing } from './tracing';
import { ConfigError, loadConfig, type Config } from './config';
import { startWorkerProcess, WORKER_SHUTDOWN_BUDGET_MS, type RunningWorker } from './jobs/worker-process';
import { createProcessLogger, logger, processLoggerOptions, setLogger } from './observability/logger';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`medianest-worker: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logging = await createProcessLogger(processLoggerOptions(config));
  setLogger(logging.logger);
  let running: RunningWorker;
  try {
    running = await startWorkerProcess(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`medianest-worker: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  logger().info({ event: 'worker.started', metrics_port: running.metricsPort }, 'MediaNest worker is processing background jobs');

  const shutdown = (signal: string) => {
    const began = Date.now();
    logger().info({ event: 'worker.stopping', signal }, 'Shutting down');
    const flush = () => {
      const left = Math.max(1_000, WORKER_SHUTDOWN_BUDGET_MS - (Date.now() - began));
      return Promise.all([shutdownTracing(left), logging.close(left)]);
    };
    running.stop().then(
      async () => {
        logger().info({ event: 'worker.stopped', shutdown_ms: Date.now() - began }, 'Stopped');
        await flush();
        process.exit(0);
      },
      async (err: unknown) => {
        logger().error({ err }, 'Shutdown failed');
        await flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`medianest-worker: failed to start: ${message}\n`);
  process.exit(1);
});
