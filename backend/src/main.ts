/**
 * Process entry: config → logger → server; SIGTERM/SIGINT → graceful shutdown.
 * A bad configuration prints one line naming the variable and exits 1.
 */
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, logger, setLogger } from './observability/logger';
import { startServer } from './server';

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
  setLogger(createLogger({ level: config.LOG_LEVEL, version: config.version, environment: config.NODE_ENV }));
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
      startup_ms: Date.now() - started,
    },
    `MediaNest is listening on http://localhost:${running.port}`,
  );

  const shutdown = (signal: string) => {
    logger().info({ event: 'server.stopping', signal }, 'Shutting down');
    running.stop().then(
      () => {
        logger().info({ event: 'server.stopped' }, 'Stopped');
        logger().flush();
        setTimeout(() => process.exit(0), 50);
      },
      (err: unknown) => {
        logger().error({ err }, 'Shutdown failed');
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
