/**
 * What the web process (main.ts) and the worker (worker.ts) share as
 * processes: reading the configuration (one line and exit 1 when it is bad),
 * and stopping on SIGTERM/SIGINT — stop the work, then flush the last spans
 * and log lines within what is left of the shutdown budget, then exit.
 */
import { ConfigError, loadConfig, type Config } from './config';
import { createProcessLogger, logger, processLoggerOptions, setLogger, type ProcessLogger } from './observability/logging/logger';
import { prepareDataDir } from './data-dir';
import { describeError, StartupError } from './startup-error';
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

/**
 * One line on stderr and exit code 1: `medianest: DATABASE_URL: ECONNREFUSED 127.0.0.1:5433`.
 * A setting that cannot be used is named with its cause; anything else is "failed to start" with
 * the innermost cause, never a stack trace or a multi-line driver message.
 */
/**
 * Makes DATA_DIR private and checks it is writable (a StartupError otherwise), then opens the
 * process logger (console, files, Loki) and makes it the one `logger()` returns.
 */
export async function openProcessLogging(config: Config): Promise<ProcessLogger> {
  const { tightened } = prepareDataDir(config);
  const logging = await createProcessLogger(processLoggerOptions(config));
  setLogger(logging.logger);
  if (tightened > 0) {
    logger().info(
      { event: 'data_dir.permissions_tightened', entries: tightened },
      `Made ${tightened} entries in DATA_DIR private to this account`,
    );
  }
  return logging;
}

export function exitOnStartupFailure(programName: string) {
  return (err: unknown): never => {
    const named = err instanceof ConfigError || err instanceof StartupError;
    const line = named ? err.message.replace(/\s+/g, ' ') : `failed to start: ${describeError(err)}`;
    process.stderr.write(`${programName}: ${line}\n`);
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
