/**
 * Process entry: tracing → config → logger → server; SIGTERM/SIGINT → graceful
 * shutdown, then the last spans and log lines are flushed within the budget.
 * A bad configuration prints one line naming the variable and exits 1.
 */
// Before anything else is loaded: the runtime's own settings (compile cache, heap growth).
import './runtime-settings';
// First import after that, on purpose: the OpenTelemetry SDK must be running before http, express, pg,
// ioredis and undici are loaded, or they are not instrumented.
import { tracing } from './tracing';
import { logger } from './observability/logging/logger';
import { exitOnStartupFailure, loadConfigOrExit, openProcessLogging, stopOnSignals } from './process-lifecycle';

async function main(): Promise<void> {
  const config = loadConfigOrExit('medianest');
  // The server and the worker (Express, Socket.IO, the database drivers, every feature) are loaded
  // only once the configuration is valid: a bad setting is reported in a fraction of a second.
  // One image, three roles: JOBS_MODE=worker makes this process a worker (what `node dist/worker.js` runs).
  if (config.JOBS_MODE === 'worker') return (await import('./worker-process.js')).runWorker(config);
  const { SHUTDOWN_BUDGET_MS, startServer } = await import('./server.js');
  const logging = await openProcessLogging(config);
  const started = Date.now();
  const running = await startServer(config, {
    onAdminPassword: (password) => {
      // Printed once, straight to the terminal: never through the logger, so it is not shipped or stored.
      process.stdout.write(
        `\n  First start: created administrator "${config.ADMIN_USERNAME}" with password: ${password}\n` +
          `  It is shown only this once. Sign in and keep it somewhere safe.\n\n`,
      );
    },
  });
  logger().info(
    {
      event: 'server.started',
      port: running.port,
      metrics_port: running.metricsPort,
      database: running.container.database.kind,
      redis: config.REDIS_URL ? 'configured' : 'in-process',
      tracing: tracing ? 'otlp' : 'off',
      log_shipping: logging.loki ? 'loki' : 'off',
      jobs_mode: config.JOBS_MODE,
      startup_ms: Date.now() - started,
      // Since the process began, including loading modules and starting tracing.
      boot_ms: Math.round(process.uptime() * 1000),
    },
    `MediaNest is listening on http://localhost:${running.port}`,
  );

  stopOnSignals({ event: 'server', budgetMs: config.SHUTDOWN_DRAIN_MS + SHUTDOWN_BUDGET_MS, stop: () => running.stop(), logging });
}

main().catch(exitOnStartupFailure('medianest'));
