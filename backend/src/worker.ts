/**
 * Worker entry (`node dist/worker.js`): runs only the background job
 * processors, so they scale apart from the web replicas (which then run with
 * JOBS_MODE=web). tracing → config → logger → processors; SIGTERM/SIGINT →
 * running jobs finish within the budget, connections close, telemetry flushes.
 */
// First import, on purpose: instrumentations must be in place before ioredis, pg and undici load.
import './tracing';
import { startWorkerProcess, WORKER_SHUTDOWN_BUDGET_MS } from './worker-process';
import { logger } from './observability/logging/logger';
import { exitOnStartupFailure, loadConfigOrExit, openProcessLogging, stopOnSignals } from './process-lifecycle';

async function main(): Promise<void> {
  const config = loadConfigOrExit('medianest-worker');
  const logging = await openProcessLogging(config);
  // A worker without Redis and PostgreSQL is a configuration error (ConfigError): one line, exit 1.
  const running = await startWorkerProcess(config);
  logger().info({ event: 'worker.started', metrics_port: running.metricsPort }, 'MediaNest worker is processing background jobs');

  stopOnSignals({ event: 'worker', budgetMs: WORKER_SHUTDOWN_BUDGET_MS, stop: () => running.stop(), logging });
}

main().catch(exitOnStartupFailure('medianest-worker'));
