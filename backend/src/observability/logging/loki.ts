/**
 * Ships log lines to Loki's JSON push API (`POST {LOKI_URL}/loki/api/v1/push`)
 * as a pino destination stream, so it receives exactly the redacted lines the
 * console and the log file get.
 *
 * It never blocks or crashes the app: `write` only appends to a bounded
 * in-memory buffer (lines beyond the bound are dropped and counted in
 * medianest_log_lines_dropped_total); batches leave in the background every
 * second or every 500 lines, gzipped, one request at a time; a failed batch
 * (network error, timeout, 429, 5xx) is retried with capped exponential
 * backoff until Loki answers again, and delivery resumes by itself. Stream
 * labels are only the ones given (service and environment): request and trace
 * ids stay inside the line, where they cost Loki no index.
 */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip as gzipCallback } from 'node:zlib';
import { logLinesDropped } from '../metrics/catalog';
import { untraced } from '../tracing/trace';
import { errorMessage } from '../../errors';

const gzip = promisify(gzipCallback);
/**
 * gzip's fastest level: log lines are repetitive JSON and ids that compress alike at every level
 * (a batch of 500 access lines: 44 KB at the default level 6, 46 KB at level 1), and level 1 takes
 * half the CPU (2.4 against 4.6 µs a line, on a thread beside the requests' one).
 */
const GZIP = { level: zlibConstants.Z_BEST_SPEED };

export const LOKI_PUSH_PATH = '/loki/api/v1/push';

export type LokiDeliveryEvent =
  | { state: 'failing'; error: string; bufferedLines: number }
  | { state: 'resumed'; failedAttempts: number }
  | { state: 'rejected'; status: number; error: string; lines: number };

export interface LokiShipperOptions {
  /** Loki base URL (the push path is appended). */
  url: string;
  /** Stream labels: keep them few and bounded (service, environment). */
  labels: Record<string, string>;
  /** Most lines held while Loki is slow or down; further lines are dropped and counted. */
  maxBufferLines: number;
  /** A batch leaves when it has this many lines… */
  batchLines?: number;
  /** …or this many bytes… */
  batchBytes?: number;
  /** …or when this much time has passed. */
  flushIntervalMs?: number;
  /** First retry delay after a failed push; doubles per failure up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** One push request may take this long before it counts as failed. */
  requestTimeoutMs?: number;
  /** Extra request headers, e.g. X-Scope-OrgID for a multi-tenant Loki. */
  headers?: Record<string, string>;
  /** Told about delivery state changes (not about every failed attempt). */
  onDeliveryChange?: (event: LokiDeliveryEvent) => void;
}

/**
 * One line as it will appear in the push body, `["<ns>","<escaped line>"]`, encoded as UTF-8 at
 * once. Held as a Buffer (outside V8's heap) rather than as strings: lines wait up to a second for
 * their batch, long enough that the garbage collector would copy each string two or three times
 * and then promote it, which cost more than building the line.
 */
type Entry = Buffer;

class PushFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const BODY_END = Buffer.from(']}]}');
const COMMA = Buffer.from(',');

/** The entries with a comma between each two. */
function joined(entries: Entry[]): Buffer[] {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (parts.length > 0) parts.push(COMMA);
    parts.push(entry);
  }
  return parts;
}

/** Loki's answer to one push: the status, Retry-After, and the start of the body when it refused. */
interface PushAnswer {
  status: number;
  retryAfter: string | null;
  text: string;
}

/** Most of a refusal's body kept for the log line. */
const ANSWER_TEXT_BYTES = 300;

/**
 * One POST over node:http(s) on a kept-alive connection. Not fetch: undici's fetch turned each
 * push's body into a web stream and cost ~2.5× the CPU of this request (a 60 KB push: ~700 against
 * ~280 µs, sender and receiver together), all of it on the requests' thread.
 */
function post(url: URL, agent: http.Agent, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<PushAnswer> {
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < ANSWER_TEXT_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          text: Buffer.concat(chunks).toString('utf8', 0, Math.min(kept, ANSWER_TEXT_BYTES)),
        });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class LokiShipper {
  readonly pushUrl: string;
  private readonly target: URL;
  /** One connection, kept open between pushes (one push runs at a time). */
  private readonly agent: http.Agent;
  private readonly maxBufferLines: number;
  private readonly batchLines: number;
  private readonly batchBytes: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly requestTimeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly onDeliveryChange?: (event: LokiDeliveryEvent) => void;
  /** `{"streams":[{"stream":{…labels},"values":[` — the entries and BODY_END follow. */
  private readonly bodyStart: Buffer;

  /** Lines waiting for their first push attempt. */
  private queue: Entry[] = [];
  /** The batch being pushed, or waiting to be pushed again after a failure. */
  private batch: Entry[] = [];
  private sending: Promise<void> | undefined;
  private failures = 0;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly interval: NodeJS.Timeout;
  private lastMs = 0;
  private sameMsCount = 0;
  private closed = false;
  /** Lines accepted by Loki since start (for tests and diagnostics). */
  delivered = 0;
  /** Lines dropped because the buffer was full. */
  dropped = 0;

  constructor(options: LokiShipperOptions) {
    this.pushUrl = options.url.replace(/\/+$/, '') + LOKI_PUSH_PATH;
    this.target = new URL(this.pushUrl);
    this.agent = new (this.target.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
    this.bodyStart = Buffer.from(`{"streams":[{"stream":${JSON.stringify(options.labels)},"values":[`);
    this.maxBufferLines = Math.max(1, options.maxBufferLines);
    this.batchLines = Math.max(1, Math.min(options.batchLines ?? 500, this.maxBufferLines));
    this.batchBytes = options.batchBytes ?? 1024 * 1024;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.headers = { ...options.headers };
    this.onDeliveryChange = options.onDeliveryChange;
    this.interval = setInterval(() => this.kick(), options.flushIntervalMs ?? 1_000);
    this.interval.unref();
  }

  /** Lines buffered and not yet accepted by Loki. */
  get bufferedLines(): number {
    return this.queue.length + this.batch.length;
  }

  /** pino destination: one serialized line per call. Never blocks, never throws. */
  write(chunk: string): boolean {
    const line = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
    return this.enqueue(line, true);
  }

  /**
   * A line already escaped as the content of a JSON string (log-text.ts builds the access line so),
   * without its quotes or a newline: it goes into the push body as it is.
   */
  writeEscaped(escapedLine: string): boolean {
    return this.enqueue(escapedLine, false);
  }

  private enqueue(line: string, escape: boolean): boolean {
    if (this.bufferedLines >= this.maxBufferLines) {
      this.dropped++;
      logLinesDropped.inc();
      return true;
    }
    const entry = escape ? `["${this.nextTimestamp()}",${JSON.stringify(line)}]` : `["${this.nextTimestamp()}","${line}"]`;
    this.queue.push(Buffer.from(entry));
    if (this.queue.length >= this.batchLines && !this.closed) setImmediate(() => this.kick());
    return true;
  }

  /**
   * Sends everything buffered, retrying failed pushes, until the buffer is empty or `timeoutMs`
   * has passed. Resolves true when every line was delivered.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.bufferedLines > 0 && Date.now() < deadline) {
      if (this.sending) {
        await Promise.race([this.sending, sleep(Math.max(0, deadline - Date.now()))]);
        continue;
      }
      const waitMs = Math.min(this.retryAt - Date.now(), this.retryBaseMs, deadline - Date.now());
      if (waitMs > 0) await sleep(waitMs);
      if (Date.now() >= deadline) break;
      this.retryAt = 0;
      await this.send(Math.max(1, Math.min(this.requestTimeoutMs, deadline - Date.now())));
    }
    return this.bufferedLines === 0;
  }

  /** Stops the background timer after a final flush bounded by `timeoutMs`. */
  async close(timeoutMs: number): Promise<boolean> {
    const done = await this.flush(timeoutMs);
    this.closed = true;
    clearInterval(this.interval);
    clearTimeout(this.retryTimer);
    this.agent.destroy();
    return done;
  }

  /** Loki keeps lines of one stream in timestamp order: nanoseconds that never go backwards. */
  private nextTimestamp(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.sameMsCount = 0;
    } else if (this.sameMsCount < 999_999) {
      this.sameMsCount++;
    }
    return `${this.lastMs}${String(this.sameMsCount).padStart(6, '0')}`;
  }

  /** Starts a push in the background when one is due and none is running. */
  private kick(): void {
    if (this.closed || this.sending || this.bufferedLines === 0) return;
    if (Date.now() < this.retryAt) return;
    void this.send(this.requestTimeoutMs);
  }

  private takeBatch(): void {
    if (this.batch.length > 0) return;
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.batchLines) {
      bytes += this.queue[count]!.length + 1;
      if (count > 0 && bytes > this.batchBytes) break;
      count++;
    }
    this.batch = this.queue.splice(0, count);
  }

  private send(timeoutMs: number): Promise<void> {
    this.takeBatch();
    const lines = this.batch.length;
    if (lines === 0) return Promise.resolve();
    const sending = this.push(this.batch, timeoutMs).then(
      () => {
        this.batch = [];
        this.delivered += lines;
        if (this.failures > 0) this.onDeliveryChange?.({ state: 'resumed', failedAttempts: this.failures });
        this.failures = 0;
        this.retryAt = 0;
        if (this.queue.length >= this.batchLines) setImmediate(() => this.kick());
      },
      (err: unknown) => {
        const failure = err instanceof PushFailure ? err : new PushFailure(String(err), true);
        if (!failure.retryable) {
          // Loki refused the batch itself (400 for a malformed or too old line, 401/403): sending it
          // again cannot succeed, and holding it would stop every later line.
          this.batch = [];
          this.onDeliveryChange?.({ state: 'rejected', status: failure.status ?? 0, error: failure.message, lines });
          return;
        }
        this.failures++;
        if (this.failures === 1) {
          this.onDeliveryChange?.({ state: 'failing', error: failure.message, bufferedLines: this.bufferedLines });
        }
        const backoff = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(this.failures - 1, 20));
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        const delay = Math.min(this.retryMaxMs, Math.max(jittered, failure.retryAfterMs ?? 0));
        this.retryAt = Date.now() + delay;
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.kick(), delay);
        this.retryTimer.unref();
      },
    );
    this.sending = sending.finally(() => {
      this.sending = undefined;
    });
    return this.sending;
  }

  private async push(values: Entry[], timeoutMs: number): Promise<void> {
    const body = await gzip(Buffer.concat([this.bodyStart, ...joined(values), BODY_END]), GZIP);
    // Our own pushes are not application traffic: no CLIENT spans for them, no traceparent.
    const answer = await untraced(() =>
      post(this.target, this.agent, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...this.headers }, body, timeoutMs),
    ).catch((err: unknown) => {
      throw new PushFailure(errorMessage(err), true);
    });
    if (answer.status >= 200 && answer.status < 300) return;
    const text = answer.text.trim();
    const retryable = answer.status === 429 || answer.status >= 500;
    throw new PushFailure(
      `Loki answered ${answer.status}${text ? `: ${text}` : ''}`,
      retryable,
      answer.status,
      retryAfterMs(answer.retryAfter),
    );
  }
}
