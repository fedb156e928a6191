/**
 * What the web process (main.ts) and the worker (worker.ts) share as
 * processes: reading the configuration (one line and exit 1 when it is bad),
 * and stopping on SIGTERM/SIGINT — stop the work, then flush the last spans
 * and log lines within what is left of the shutdown budget, then exit.
 */
import { ConfigError, loadConfig, type Config } from './config';
import { logger } from './observability/logging/logger';
import { shutdownTracing } from './tracing';

/**
 * Flushing spans and log lines gets what is left of the shutdown budget minus a margin (so the
 * process is gone before a `docker stop` timeout of the same length kills it), but at least 1 s.
 */
const TELEMETRY_FLUSH_MIN_MS = 1_000;
const EXIT_MARGIN_MS = 500;

/** The configuration, or one line naming the bad variable on stderr and exit code 1. */
export function loadConfigOrExit(programName: string): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${programName}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

export function exitOnStartupFailure(programName: string) {
  return (err: unknown): never => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${programName}: ${err instanceof ConfigError ? message : `failed to start: ${message}`}\n`);
    process.exit(1);
  };
}

export function stopOnSignals(options: {
  /** Event name prefix for the log lines: `server` → server.stopping, server.stopped. */
  event: string;
  budgetMs: number;
  stop: () => Promise<void>;
  logging: { close(timeoutMs: number): Promise<unknown> };
}): void {
  const shutdown = (signal: string) => {
    const began = Date.now();
    logger().info({ event: `${options.event}.stopping`, signal }, 'Shutting down');
    const flushTelemetry = () => {
      const left = Math.max(TELEMETRY_FLUSH_MIN_MS, options.budgetMs - EXIT_MARGIN_MS - (Date.now() - began));
      return Promise.all([shutdownTracing(left), options.logging.close(left)]);
    };
    options.stop().then(
      async () => {
        logger().info({ event: `${options.event}.stopped`, shutdown_ms: Date.now() - began }, 'Stopped');
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
