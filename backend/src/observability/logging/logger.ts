/**
 * Structured logging (pino): console, rotating files and Loki, built so that
 * a line is hard to lose and a secret hard to leak:
 * - JSON lines with time, level, message, service, version, environment,
 *   instance; full error stacks; request id, user id and trace/span ids mixed
 *   in from the async context of the request (or job) being handled;
 * - secrets removed twice: pino `redact` paths for the fields we know, and a
 *   scrub of every serialized line (redact.ts) for secrets by name at any
 *   depth and inside URLs or error messages — before any output sees it;
 * - outputs (one multistream, each async and bounded): the console (readable
 *   when a developer watches a terminal, JSON otherwise), daily-rotated files
 *   in LOG_DIR (pino-roll: 20 MB, 14 files), and Loki when LOKI_URL is set.
 *
 * Modules call `logger()` at use time, so they see the configured logger.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from '../../config';
import { recentErrorsStream } from './recent-errors';
import { LokiShipper, type LokiDeliveryEvent, type LokiShipperOptions } from './loki';
import { REDACTED, scrubJsonLine } from '../redact';
import { currentRequestContext } from '../current-request';
import { currentTraceIds, SERVICE_INSTANCE_ID, SERVICE_NAME } from '../tracing/trace';
import { errorMessage } from '../../errors';
import { AccessLineTemplate, AS_JSON, ESCAPED_IN_STRING, isoTime, timestampField, type AccessFields } from './log-text';

export type { Logger };

/**
 * Fields redacted by path (pino `redact`). Only fixed paths: wildcard paths (`*.password`) cost
 * pino ~20 µs on every line, and the line scrub (redact.ts `scrubJsonLine`) already redacts a field
 * named like a secret at any depth, so these are the cheap first line, not the only one.
 */
export const REDACT_PATHS = [
  'password',
  'newPassword',
  'token',
  'authToken',
  'plexToken',
  'apiKey',
  'secret',
  'webhookSecret',
  'cookie',
  'sessionId',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-plex-token"]',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-plex-token"]',
  'headers["x-api-key"]',
  'headers["set-cookie"]',
  'res.headers["set-cookie"]',
];

/**
 * Rotation of the log files in LOG_DIR (default DATA_DIR/logs): a new file each day or at 20 MB, whichever
 * comes first (medianest.2025-01-31.1.log, .2.log, …); the 14 newest rotated files are kept besides
 * the current one, including files left by earlier runs.
 */
export const LOG_FILE = { name: 'medianest', extension: '.log', size: '20m', keep: 14 } as const;
/** Bound on bytes a stalled console or disk may hold in memory before lines are dropped. */
const OUTPUT_BUFFER_BYTES = 16 * 1024 * 1024;
/**
 * Lines are written out in chunks of at least this many bytes, or every OUTPUT_FLUSH_MS when
 * fewer are waiting: one write per line was the largest single cost of logging under load
 * (a system call and a string copy for each access line, per output). The chunk is gathered
 * here (`LineBatch`), as an array of lines joined once: left to SonicBoom, each line was
 * appended to one growing string whose UTF-8 length it measured again for every line — a scan
 * of 4 KB on average per line and output. On exit — a stop, a crash — what is waiting is
 * written synchronously (`flushOnExit`).
 */
const OUTPUT_CHUNK_BYTES = 8 * 1024;
const OUTPUT_FLUSH_MS = 250;
/**
 * SonicBoom writes when told to (`flush`, after each chunk it is given, and every OUTPUT_FLUSH_MS
 * for what a busy moment left behind) and drops lines beyond the bound. Its own threshold is as
 * high as it allows (below its 16 KB largest write), so a chunk handed over at exit waits for the
 * synchronous flush instead of starting a write that the exit would cut short.
 */
const BUFFERED = {
  sync: false,
  minLength: 2 * OUTPUT_CHUNK_BYTES - 1,
  periodicFlush: OUTPUT_FLUSH_MS,
  maxLength: OUTPUT_BUFFER_BYTES,
  // Takes the bytes LineBatch encoded once for all outputs, and writes them as they are.
  contentMode: 'buffer' as const,
};

export interface LoggerOptions {
  level: string;
  version: string;
  environment: string;
  /** The process's name on every line (INSTANCE_NAME; `<hostname>-<pid>` when unset). */
  instance?: string;
  destination?: pino.DestinationStream;
}

/** The mixin's answer when there is no context to add (a line written outside any request or job). */
const NO_CONTEXT: Record<string, string> = Object.freeze({});

/** What every line carries from the context it was written in: request, user, trace. */
function logContext(): Record<string, string> {
  const ctx = currentRequestContext();
  const ids = currentTraceIds();
  if (!ctx && !ids) return NO_CONTEXT;
  const fields: Record<string, string> = {};
  if (ctx) {
    fields.request_id = ctx.requestId;
    if (ctx.userId) fields.user_id = ctx.userId;
  }
  if (ids) {
    fields.trace_id = ids.traceId;
    fields.span_id = ids.spanId;
  }
  return fields;
}

/** The fields every line of the process carries. */
function baseFields(options: Omit<LoggerOptions, 'destination'>): Record<string, string> {
  return {
    service: SERVICE_NAME,
    version: options.version,
    environment: options.environment,
    instance: options.instance ?? SERVICE_INSTANCE_ID,
  };
}

function loggerOptions(options: Omit<LoggerOptions, 'destination'>): pino.LoggerOptions {
  return {
    level: options.level,
    base: baseFields(options),
    timestamp: timestampField,
    messageKey: 'message',
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: scrubJsonLine },
    mixin: logContext,
    // pino's default copies the line onto the mixin's object; a line with nothing to add is used as it is.
    mixinMergeStrategy: (line, context) => (context === NO_CONTEXT ? line : Object.assign(context, line)),
  };
}

/** An output and the lowest level it takes (pino's level numbers). */
interface LevelledOutput {
  minLevel: number;
  stream: pino.DestinationStream;
  /** Takes access lines already escaped into a JSON string's content (Loki), instead of `stream.write`. */
  writeEscaped?: (escapedLine: string) => void;
}

/** Each logger's access lines: its level, outputs and bindings, written without pino's general path. */
const accessWriters = new WeakMap<Logger, (level: 'info' | 'debug', fields: AccessFields) => void>();

/** A logger writing to `outputs` (as one multistream when several), with its access-line writer. */
function withAccessWriter(options: Omit<LoggerOptions, 'destination'>, outputs: LevelledOutput[]): Logger {
  const destination =
    outputs.length === 1 ? outputs[0]!.stream : pino.multistream(outputs.map((o) => ({ level: o.minLevel, stream: o.stream })));
  const log = pino(loggerOptions(options), destination);
  const asJson = new AccessLineTemplate(baseFields(options), AS_JSON);
  const escapedInString = new AccessLineTemplate(baseFields(options), ESCAPED_IN_STRING);
  accessWriters.set(log, (level, fields) => {
    const value = log.levels.values[level]!;
    if (value < log.levelVal) return;
    const time = isoTime();
    let line: string | undefined;
    let escaped: string | undefined;
    for (const output of outputs) {
      if (output.minLevel > value) continue;
      if (output.writeEscaped) output.writeEscaped((escaped ??= escapedInString.line(level, time, fields)));
      else output.stream.write((line ??= asJson.line(level, time, fields)));
    }
  });
  return log;
}

/** A logger writing JSON lines to one destination (stdout by default). Tests use this. */
export function createLogger(options: LoggerOptions): Logger {
  return withAccessWriter(options, [{ minLevel: 0, stream: options.destination ?? pino.destination({ dest: 1, sync: false }) }]);
}

let root: Logger = createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  version: 'unknown',
  environment: process.env.NODE_ENV ?? 'development',
});

/** Replaces the process logger (main.ts does this once config is known). */
export function setLogger(next: Logger): void {
  root = next;
}

/** The process logger. Modules call this at use time, so they see the configured one. */
export function logger(): Logger {
  return root;
}

/**
 * Writes a request's access line (http/access-log.ts) through the process logger's level and
 * outputs, in its format (log-text.ts), without the scrub of every line: an access line holds only
 * an id that a secret cannot pass (the request id is refused when it looks like one), the user's
 * id, trace ids, the method, the route template, the status and the duration; scanning it for
 * secrets, once per request, was the largest single cost of the line.
 */
export function writeAccessLine(level: 'info' | 'debug', fields: AccessFields): void {
  const write = accessWriters.get(root);
  if (write) write(level, fields);
  else root[level]({ ...fields, event: 'http.access' }, 'request');
}

export interface ProcessLoggerOptions {
  level: string;
  version: string;
  environment: string;
  instance?: string;
  /** `pretty` for a developer's terminal, `json` for everything else. */
  format: 'json' | 'pretty';
  /** Rotated log files go here; undefined writes no files. */
  logDir?: string;
  /** Write to stdout (default true; tests turn it off). */
  console?: boolean;
  /** Ship to Loki (LOKI_URL). Labels are always service and environment. */
  loki?: Omit<LokiShipperOptions, 'labels' | 'onDeliveryChange'>;
}

export interface ProcessLogger {
  logger: Logger;
  /** The Loki shipper, when LOKI_URL is set. */
  loki?: LokiShipper;
  /** The current log file, when files are written. */
  file?: string;
  /** Sends the last Loki batch and flushes the console and the file, within `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

/** The process logger's settings from the configuration. */
export function processLoggerOptions(config: Config): ProcessLoggerOptions {
  const developerTerminal = config.NODE_ENV === 'development' && process.stdout.isTTY === true;
  return {
    level: config.LOG_LEVEL,
    version: config.version,
    environment: config.NODE_ENV,
    instance: config.instance,
    format: config.LOG_FORMAT ?? (developerTerminal ? 'pretty' : 'json'),
    logDir: config.logDir,
    loki: config.LOKI_URL ? { url: config.LOKI_URL, maxBufferLines: config.LOKI_BUFFER_LINES } : undefined,
  };
}

interface SonicBoomLike extends pino.DestinationStream {
  file?: string | null;
  flushSync?(): void;
  flush?(cb?: (err?: Error) => void): void;
  end(): void;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Outputs still open: what they buffer is written synchronously when the process exits, even on a crash. */
const openOutputs = new Set<{ flushSync(): void }>();
let exitHookInstalled = false;
function flushOnExit(output: { flushSync(): void }): void {
  openOutputs.add(output);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const open of openOutputs) open.flushSync();
  });
}

/**
 * One stream of the process logger (stdout, the log file, a developer's console). A failing stream
 * (disk full, file deleted, stdout closed) stops receiving lines and says so once on stderr; it
 * never throws into the code that logged.
 */
class GuardedOutput implements pino.DestinationStream {
  private broken = false;
  private closed = false;
  private dropping = false;

  constructor(
    private readonly name: string,
    private readonly stream: SonicBoomLike,
  ) {
    stream.on('error', (err) => this.fail(err));
    // SonicBoom drops lines rather than hold more than maxLength bytes for a disk or pipe that cannot keep up.
    stream.on('drop', () => {
      if (this.dropping) return;
      this.dropping = true;
      process.stderr.write(`medianest: log output ${this.name} cannot keep up; dropping lines\n`);
    });
    stream.on('drain', () => {
      this.dropping = false;
    });
  }

  /** A line (a developer's console, written synchronously). */
  write(line: string): void {
    if (this.broken || this.closed) return;
    try {
      this.stream.write(line);
    } catch (err) {
      this.fail(err);
    }
  }

  /** A chunk of lines (LineBatch), written now: the stream's own threshold would hold it. */
  writeChunk(chunk: Buffer): void {
    if (this.broken || this.closed) return;
    try {
      this.stream.write(chunk as unknown as string);
      this.stream.flush?.();
    } catch (err) {
      this.fail(err);
    }
  }

  /** Flushes and closes the underlying stream, giving up after `timeoutMs`. */
  close(timeoutMs: number): Promise<void> {
    this.closed = true;
    if (this.broken) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        this.stream.end();
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Writes out what the stream holds, synchronously (at exit); then `last`, if given, the same way. */
  flushSync(last?: Buffer): void {
    if (this.broken) return;
    try {
      this.stream.flushSync?.();
      if (last && !this.closed) {
        this.stream.write(last as unknown as string);
        this.stream.flushSync?.();
      }
    } catch {
      // Not writable right now (EAGAIN), or not open yet: pino's exit handler tries stdout again.
    }
    this.closed = true;
  }

  private fail(err: unknown): void {
    if (this.broken) return;
    this.broken = true;
    process.stderr.write(`medianest: log output ${this.name} failed and is disabled: ${errorMessage(err)}\n`);
  }
}

/**
 * The lines for stdout and the log file, gathered once for both: every OUTPUT_CHUNK_BYTES (or what
 * came within OUTPUT_FLUSH_MS) they are joined and encoded once, and the same bytes go to each
 * output (SonicBoom in buffer mode writes them as they are). Per output, this was a join, two
 * UTF-8 length scans, a string append, a flatten and an encoding of every chunk.
 */
class LineBatch implements pino.DestinationStream {
  private pending: string[] = [];
  private pendingLength = 0;
  private closed = false;
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly outputs: GuardedOutput[]) {
    this.ticker = setInterval(() => this.handOver(), OUTPUT_FLUSH_MS);
    this.ticker.unref();
    flushOnExit(this);
  }

  write(line: string): void {
    if (this.closed) return;
    this.pending.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength >= OUTPUT_CHUNK_BYTES) this.handOver();
  }

  /**
   * Hands what is waiting to the outputs now (before they close). Lines written after this wait for
   * the exit, which writes them to the outputs still open (stdout).
   */
  drain(): void {
    this.handOver();
    clearInterval(this.ticker);
  }

  /** At exit: each output's own buffer first, then the lines gathered here, synchronously. */
  flushSync(): void {
    clearInterval(this.ticker);
    openOutputs.delete(this);
    const last = this.pendingLength > 0 ? this.takePending() : undefined;
    this.closed = true;
    for (const output of this.outputs) output.flushSync(last);
  }

  private handOver(): void {
    if (this.pendingLength === 0) return;
    const chunk = this.takePending();
    for (const output of this.outputs) output.writeChunk(chunk);
  }

  private takePending(): Buffer {
    const chunk = Buffer.from(this.pending.length === 1 ? this.pending[0]! : this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    return chunk;
  }
}

async function openLogFile(logDir: string): Promise<SonicBoomLike> {
  // Fail here, synchronously, rather than in SonicBoom's background open.
  fs.mkdirSync(logDir, { recursive: true });
  fs.accessSync(logDir, fs.constants.W_OK);
  const { default: pinoRoll } = await import('pino-roll');
  const stream = await pinoRoll({
    file: path.join(logDir, LOG_FILE.name),
    extension: LOG_FILE.extension,
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    size: LOG_FILE.size,
    // removeOtherLogFiles: count files left by earlier runs too, or restarts would keep them forever.
    limit: { count: LOG_FILE.keep, removeOtherLogFiles: true },
    mkdir: true,
    ...BUFFERED,
  });
  // Open before the first line: a crash right after start still finds a file to write its lines to.
  if (stream.fd < 0) {
    await new Promise<void>((resolve, reject) => {
      stream.once('ready', () => resolve());
      stream.once('error', reject);
    });
  }
  return stream;
}

function describeDelivery(log: Logger, event: LokiDeliveryEvent): void {
  switch (event.state) {
    case 'failing':
      log.warn(
        { event: 'loki.push.failing', error: event.error, buffered_lines: event.bufferedLines },
        'Cannot ship logs to Loki; holding lines in memory and retrying',
      );
      break;
    case 'resumed':
      log.info({ event: 'loki.push.resumed', failed_attempts: event.failedAttempts }, 'Shipping logs to Loki again');
      break;
    case 'rejected':
      log.error(
        { event: 'loki.push.rejected', status: event.status, error: event.error, lines: event.lines },
        'Loki refused a batch of log lines',
      );
      break;
  }
}

/** The process logger with every configured output (console, rotated files, Loki). */
export async function createProcessLogger(options: ProcessLoggerOptions): Promise<ProcessLogger> {
  const minLevel = pino.levels.values[options.level] ?? 0;
  const streams: LevelledOutput[] = [];
  const problems: Array<{ event: string; err: unknown; message: string }> = [];

  // stdout and the log file take the same lines: gathered and encoded once for both (LineBatch).
  const batched: GuardedOutput[] = [];
  if (options.console !== false) {
    if (options.format === 'pretty') {
      // require, not import(): the bundle may run from a code cache, which cannot import() on Node 20 (code-cache.ts).
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a developer's terminal only
      const pretty = require('pino-pretty') as typeof import('pino-pretty');
      const prettyConsole = pretty({
        colorize: true,
        messageKey: 'message',
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'service,version,environment,instance',
        // A developer's terminal: synchronous, so the last lines before a crash are on screen.
        sync: true,
      }) as unknown as SonicBoomLike;
      const terminal = new GuardedOutput('console', prettyConsole);
      flushOnExit(terminal);
      streams.push({ minLevel, stream: terminal });
    } else {
      const destination = pino.destination({ dest: 1, ...BUFFERED }) as unknown as SonicBoomLike;
      batched.push(new GuardedOutput('stdout', destination));
    }
  }

  let file: GuardedOutput | undefined;
  let fileName: string | undefined;
  if (options.logDir) {
    try {
      const opened = await openLogFile(options.logDir);
      file = new GuardedOutput('file', opened);
      fileName = opened.file ?? undefined;
      batched.push(file);
    } catch (err) {
      // A read-only or missing LOG_DIR must not stop MediaNest: the console and Loki still get every line.
      problems.push({ event: 'logging.file.unavailable', err, message: `Cannot write log files in ${options.logDir}` });
    }
  }

  const batch = batched.length > 0 ? new LineBatch(batched) : undefined;
  if (batch) streams.push({ minLevel, stream: batch });

  let log: Logger | undefined;
  let loki: LokiShipper | undefined;
  if (options.loki) {
    loki = new LokiShipper({
      ...options.loki,
      labels: { service: SERVICE_NAME, environment: options.environment },
      onDeliveryChange: (event) => {
        if (log) describeDelivery(log, event);
      },
    });
    const shipper = loki;
    streams.push({ minLevel, stream: shipper, writeEscaped: (escapedLine) => shipper.writeEscaped(escapedLine) });
  }

  streams.push({ minLevel: pino.levels.values.error!, stream: recentErrorsStream }); // the admin Ops page's latest errors
  log = withAccessWriter(options, streams);
  for (const problem of problems) log.warn({ event: problem.event, err: problem.err }, problem.message);

  let closing: Promise<void> | undefined;
  return {
    logger: log,
    loki,
    file: fileName,
    close(timeoutMs) {
      // Loki first: lines written while it drains (its own "resumed" line) still reach the file.
      closing ??= (async () => {
        const deadline = Date.now() + timeoutMs;
        await loki?.close(timeoutMs).catch(() => false);
        batch?.drain();
        await file?.close(Math.max(100, deadline - Date.now()));
        // stdout last, with the lines written while the file closed.
        batch?.flushSync();
      })();
      return closing;
    },
  };
}
