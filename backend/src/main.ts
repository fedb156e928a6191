/**
 * Process entry: tracing → config → logger → server; SIGTERM/SIGINT → graceful
 * shutdown, then the last spans and log lines are flushed within the budget.
 * A bad configuration prints one line naming the variable and exits 1.
 */
// First import, on purpose: the OpenTelemetry SDK must be running before http, express, pg,
// ioredis and undici are loaded, or they are not instrumented.
import { shutdownTracing, tracing } from './tracing';
import { ConfigError, loadConfig, type Config } from './config';
import { createProcessLogger, logger, processLoggerOptions, setLogger } from './observability/logger';
import { SHUTDOWN_BUDGET_MS, startServer } from './server';

/**
 * Flushing spans and log lines gets what is left of the shutdown budget minus a margin (so the
 * process is gone before a `docker stop` timeout of the same length kills it), but at least 1 s.
 */
const TELEMETRY_FLUSH_MIN_MS = 1_000;
const EXIT_MARGIN_MS = 500;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`medianest: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logging = await createProcessLogger(processLoggerOptions(config));
  setLogger(logging.logger);
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
      startup_ms: Date.now() - started,
      // Since the process began, including loading modules and starting tracing.
      boot_ms: Math.round(process.uptime() * 1000),
    },
    `MediaNest is listening on http://localhost:${running.port}`,
  );

  const shutdown = (signal: string) => {
    const began = Date.now();
    logger().info({ event: 'server.stopping', signal }, 'Shutting down');
    const flushTelemetry = () => {
      const left = Math.max(TELEMETRY_FLUSH_MIN_MS, SHUTDOWN_BUDGET_MS - EXIT_MARGIN_MS - (Date.now() - began));
      return Promise.all([shutdownTracing(left), logging.close(left)]);
    };
    running.stop().then(
      async () => {
        logger().info({ event: 'server.stopped', shutdown_ms: Date.now() - began }, 'Stopped');
        await flushTelemetry();
        process.exit(0);
      },
      async (err: unknown) => {
        logger().error({ err }, 'Shutdown failed');
        await flushTelemetry();
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`medianest: failed to start: ${message}\n`);
  process.exit(1);
});
