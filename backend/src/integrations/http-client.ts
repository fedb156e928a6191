/**
 * The one HTTP client every integration (Plex, plex.tv, Overseerr) uses — our
 * version of Overseerr's `ExternalAPI` base class. Per call it gives:
 *
 * - global `fetch` (undici), so the OpenTelemetry undici instrumentation
 *   makes a span per attempt and propagates `traceparent`, inside the
 *   CLIENT span that `traceExternalApiCall` opens for the whole call
 *   (observability/tracing/trace.ts: URL without secrets);
 * - two timeouts per attempt: "the host is gone" — no connection, or not
 *   one byte of the answer's head, within `connectTimeoutMs` (a few seconds;
 *   an undici Agent's connect and headers timeouts) — and "the answer is
 *   slow" — no complete answer within `timeoutMs` (`AbortSignal.timeout`).
 *   A wedged host (the connection opens, nothing comes back) therefore costs
 *   a member a few seconds, not the full timeout, and the breaker counts it
 *   as a timeout like any other;
 * - retries with exponential backoff and full jitter for idempotent methods
 *   only (GET/HEAD), on network errors, 5xx and 429, honouring `Retry-After`
 *   up to `maxRetryDelayMs` (a longer wait is not retried). Timeouts are not
 *   retried: a hung upstream would only multiply the user's wait;
 * - the service's circuit breaker (resilience/breakers.ts) around each
 *   attempt. Upstream 3xx/4xx answers are the caller's problem and are
 *   neutral for the breaker; an open breaker fails the call at once;
 * - `medianest_external_api_duration_seconds{service,operation,status}` for
 *   the whole call, where `operation` is a fixed name chosen by the caller and
 *   `status` is one of CALL_STATUSES;
 * - errors as AppError: an open breaker, timeouts, network errors and 5xx are
 *   503 UPSTREAM_UNAVAILABLE "<Service> is unavailable right now (reason)"
 *   with `details: { service, failure }` (failure = the CallStatus);
 *   3xx/4xx are `UpstreamClientError` (502 UPSTREAM_ERROR unless the caller
 *   maps `upstreamStatus` to something better).
 *
 * Secrets (X-Plex-Token, X-Api-Key) travel in headers only; the URLs written
 * to logs and spans go through observability/redact.ts anyway, and headers
 * are never logged.
 */
import { trace } from '@opentelemetry/api';
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { AppError, errorMessage } from '../errors';
import { analytics } from '../observability/metrics/analytics';
import { logger } from '../observability/logging/logger';
import { sanitizeUrl } from '../observability/redact';
import {
  type AnsweredByService,
  BreakerOpenError,
  type NeutralForBreaker,
  type NotificationBreakerService,
  type ServiceBreaker,
} from '../resilience/breakers';
import { TracingService } from '../observability/tracing/trace';
import { undici } from './undici';

export type UpstreamService = 'plex-api' | 'plex-tv' | 'overseerr' | 'oidc' | Exclude<NotificationBreakerService, 'notify-email'>;
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The `status` label of medianest_external_api_duration_seconds (fixed set):
 * - success: 2xx;
 * - client_error: 3xx/4xx — the upstream answered and refused what we asked (not its health);
 * - server_error: 5xx, or a 2xx whose body is not the JSON we asked for;
 * - timeout: no complete answer within the timeout;
 * - network_error: could not connect, connection reset, DNS failure;
 * - rejected: not attempted because the service's circuit breaker is open.
 */
export const CALL_STATUSES = ['success', 'client_error', 'server_error', 'timeout', 'network_error', 'rejected'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export interface HttpClientOptions {
  service: UpstreamService;
  /** How users know the service: "Overseerr", "Plex", "plex.tv". */
  displayName: string;
  /** Base URL; request paths are appended to it. */
  baseUrl: string;
  /** Sent with every request (credentials belong here, never in the URL). */
  headers?: Record<string, string>;
  breaker: ServiceBreaker;
  timeoutMs: number;
  /** Longest wait for the connection and the answer's first byte (headers); defaults to timeoutMs. */
  connectTimeoutMs?: number;
  /** Host name resolution (default: the system's, dns.lookup); tests inject one that never leaves the machine. */
  lookup?: LookupFunction;
  /** The connection pool; built from connectTimeoutMs and lookup when absent. */
  dispatcher?: Dispatcher;
  /** Extra attempts for idempotent calls. */
  retries: number;
  retryBaseDelayMs: number;
  /** Longest backoff or Retry-After the client waits before a retry. */
  maxRetryDelayMs?: number;
}

export type QueryValue = string | number | boolean | undefined;

export interface UpstreamRequest {
  /** Fixed operation name for metrics and spans ('search', 'getRequest'), never a URL. */
  operation: string;
  method?: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON request body. */
  json?: unknown;
  /** A raw request body instead (an encrypted Web Push message); its Content-Type goes in `headers`. */
  body?: Uint8Array;
  timeoutMs?: number;
  /** Overrides the client's retry count for this call (idempotent methods only; others never retry). */
  retries?: number;
  /** For recovery procedures only: call even while the breaker is open, outside its statistics. */
  bypassBreaker?: boolean;
  /** 'json' (default) parses the body; 'bytes' returns it raw (images); 'response' hands back any answer below 500 unread. */
  responseType?: 'json' | 'bytes' | 'response';
  /** An absolute URL instead of baseUrl + path (endpoints a provider's discovery document names). */
  url?: string;
}

export interface UpstreamResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** The upstream answered 3xx/4xx: the request was refused, the service itself is fine. */
export class UpstreamClientError extends AppError implements NeutralForBreaker {
  readonly neutralForBreaker = true as const;

  constructor(
    readonly service: UpstreamService,
    displayName: string,
    readonly upstreamStatus: number,
    readonly upstreamBody: unknown,
    readonly retryAfterMs?: number,
  ) {
    const said = upstreamMessage(upstreamBody);
    super(
      502,
      'UPSTREAM_ERROR',
      upstreamStatus >= 300 && upstreamStatus < 400
        ? `${displayName} answered with a redirect (${upstreamStatus}); configure its final address`
        : `${displayName} refused the request (${upstreamStatus}${said ? `: ${said}` : ''})`,
      { details: { service, upstreamStatus } },
    );
    this.name = 'UpstreamClientError';
  }
}

/** A call that failed because of the upstream's health (5xx, timeout, network). */
class UpstreamFailure extends Error implements Partial<AnsweredByService> {
  /** A 5xx answer: the service is there (see AnsweredByService). */
  readonly answeredByService?: true;
  retrying?: boolean;

  constructor(
    readonly kind: 'server_error' | 'timeout' | 'network_error',
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
    this.name = 'UpstreamFailure';
    if (kind === 'server_error') this.answeredByService = true;
  }
}

/** The `message` (Overseerr), `error` or first `errors[].message` (plex.tv) of an error body. */
export function upstreamMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { message?: unknown; error?: unknown; errors?: unknown };
  const first = Array.isArray(b.errors) ? (b.errors[0] as { message?: unknown } | undefined)?.message : undefined;
  const text = [b.message, b.error, first].find((v): v is string => typeof v === 'string' && v.length > 0);
  return text?.slice(0, 200);
}

/** Retry-After in ms (seconds or an HTTP date), if present and sane. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** undici gave up waiting for the connection or for the answer's head: the host is gone or wedged. */
function isConnectTimeout(err: unknown): boolean {
  const code = causeCode(err);
  return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT';
}

function describeNetworkError(err: unknown): string {
  const code = causeCode(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return code ? `network error ${code}` : 'network error';
  }
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  readonly service: UpstreamService;
  readonly displayName: string;
  private readonly baseUrl: string;
  private readonly maxRetryDelayMs: number;
  private readonly connectTimeoutMs: number;
  private pool: Dispatcher | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.service = options.service;
    this.displayName = options.displayName;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.connectTimeoutMs = Math.min(options.connectTimeoutMs ?? options.timeoutMs, options.timeoutMs);
  }

  /** The connection pool, made at the first call (undici is not loaded before). */
  private get dispatcher(): Dispatcher {
    if (this.pool) return this.pool;
    // Only a connect timeout shorter than the full one is a separate signal; otherwise the AbortSignal decides alone.
    const separate = this.connectTimeoutMs < this.options.timeoutMs;
    this.pool =
      this.options.dispatcher ??
      new (undici().Agent)({
        connect: { timeout: this.connectTimeoutMs, ...(this.options.lookup ? { lookup: this.options.lookup } : {}) },
        headersTimeout: separate ? this.connectTimeoutMs : 0,
        // The whole answer is bounded by the per-attempt AbortSignal.timeout.
        bodyTimeout: 0,
      });
    return this.pool;
  }

  /**
   * The breaker probe: one GET of `path`, outside the breaker and without
   * retries (the probe itself runs through the breaker). Any answer below 500
   * with a JSON (or empty) body means the service is up — a 401 from plex.tv
   * to a probe without a token is a healthy plex.tv.
   */
  async probe(path: string): Promise<void> {
    await this.request({ operation: 'probe', path, bypassBreaker: true, retries: 0 });
  }

  /** Calls the upstream and returns the parsed JSON body. */
  async json<T>(req: UpstreamRequest): Promise<T> {
    return (await this.request<T>(req)).body;
  }

  async request<T>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const method = req.method ?? 'GET';
    const idempotent = method === 'GET' || method === 'HEAD';
    const maxAttempts = idempotent ? 1 + (req.retries ?? this.options.retries) : 1;
    const started = performance.now();
    let status: CallStatus = 'success';
    let attempt = 1;
    try {
      // One CLIENT span `<service>.<operation>` (URL without secrets) for the call; each attempt's
      // instrumented fetch is a child span carrying traceparent to the upstream.
      return await TracingService.traceExternalApiCall(this.service, req.operation, this.url(req), method, async () => {
        const span = trace.getActiveSpan();
        let lastFailure: unknown;
        for (; ; attempt++) {
          try {
            const res = req.bypassBreaker
              ? await this.attempt<T>(req, method)
              : await this.options.breaker.run(() => this.attemptForBreaker<T>(req, method, attempt, maxAttempts));
            span?.setAttributes({ 'external.status': 'success', 'external.attempts': attempt });
            return res;
          } catch (err) {
            // The breaker may open between retries: report what the upstream actually did, not "paused".
            if (err instanceof BreakerOpenError && lastFailure !== undefined) {
              attempt -= 1;
              span?.setAttributes({ 'external.status': this.classify(lastFailure), 'external.attempts': attempt });
              // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the previous attempt's own failure, unchanged
              throw lastFailure;
            }
            lastFailure = err;
            const delay = this.retryDelay(err, attempt, maxAttempts);
            if (delay === undefined) {
              span?.setAttributes({ 'external.status': this.classify(err), 'external.attempts': attempt });
              throw err;
            }
            logger().debug(
              {
                event: 'upstream.retry',
                upstream: this.service,
                operation: req.operation,
                attempt,
                delay_ms: Math.round(delay),
                reason: errorMessage(err),
              },
              `Retrying ${this.displayName} ${req.operation}`,
            );
            await sleep(delay);
          }
        }
      });
    } catch (err) {
      status = this.classify(err);
      if (status === 'server_error' || status === 'timeout' || status === 'network_error') {
        logger().warn(
          {
            event: 'upstream.failed',
            upstream: this.service,
            operation: req.operation,
            status,
            attempts: attempt,
            url: sanitizeUrl(this.url(req)),
            reason: errorMessage(err),
          },
          `${this.displayName} ${req.operation} failed`,
        );
      }
      throw this.toAppError(err);
    } finally {
      analytics.trackExternalApiCall(this.service, req.operation, performance.now() - started, status);
    }
  }

  /**
   * A `fetch` for libraries that speak a protocol over HTTP themselves (openid-client): every call goes
   * through this client's breaker, metrics and CLIENT span (`operationOf` names it from a fixed set), and
   * the library gets the upstream's answer as it came. 5xx, timeouts and network errors count against the
   * breaker and throw (503 UPSTREAM_UNAVAILABLE); any other answer is handed back for the library to read.
   */
  fetchAdapter(operationOf: (url: URL) => string): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
    return async (input, init = {}) => {
      const target = new URL(input instanceof Request ? input.url : input);
      const method = (init.method ?? 'GET').toUpperCase() as HttpMethod;
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, key) => (headers[key] = value));
      // Bodies from such libraries are form or JSON text (URLSearchParams or a string); Response reads either as bytes.
      const body = init.body === undefined || init.body === null ? undefined : new Uint8Array(await new Response(init.body).arrayBuffer());
      const res = await this.request<Response>({
        operation: operationOf(target),
        method,
        path: target.pathname,
        url: target.href,
        headers,
        body,
        responseType: 'response',
      });
      return res.body;
    };
  }

  private url(req: UpstreamRequest): string {
    if (req.url !== undefined) return req.url;
    const url = new URL(this.baseUrl + (req.path.startsWith('/') ? req.path : `/${req.path}`));
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async attempt<T>(req: UpstreamRequest, method: HttpMethod): Promise<UpstreamResponse<T>> {
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = {
      Accept: req.responseType === 'json' || req.responseType === undefined ? 'application/json' : '*/*',
      ...this.options.headers,
      ...req.headers,
    };
    let body: string | Uint8Array | undefined = req.body;
    if (req.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    let res: Response;
    try {
      // redirect: 'manual' — following a redirect to another host would carry our credential headers along.
      res = await fetch(this.url(req), {
        method,
        headers,
        body,
        signal,
        redirect: 'manual',
        dispatcher: this.dispatcher,
      } as RequestInit);
    } catch (err) {
      if (isTimeout(err)) throw new UpstreamFailure('timeout', `no answer within ${formatSeconds(timeoutMs)}`);
      if (isConnectTimeout(err)) {
        throw new UpstreamFailure(
          'timeout',
          `it did not respond within ${formatSeconds(this.connectTimeoutMs)}; the host may be down or hung`,
        );
      }
      throw new UpstreamFailure('network_error', describeNetworkError(err));
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    try {
      if (res.status >= 500) {
        await res.arrayBuffer().catch(() => undefined);
        throw new UpstreamFailure('server_error', `it answered ${res.status}`, retryAfterMs);
      }
      if (req.responseType === 'response') return { status: res.status, headers: res.headers, body: res as T };
      if (res.status >= 300) {
        const text = await res.text().catch(() => '');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        throw new UpstreamClientError(this.service, this.displayName, res.status, parsed, retryAfterMs);
      }
      if (req.responseType === 'bytes') {
        return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) as T };
      }
      const text = await res.text();
      if (method === 'HEAD' || res.status === 204 || text === '') {
        return { status: res.status, headers: res.headers, body: undefined as T };
      }
      try {
        return { status: res.status, headers: res.headers, body: JSON.parse(text) as T };
      } catch {
        throw new UpstreamFailure('server_error', 'it answered with something that is not JSON');
      }
    } catch (err) {
      if (err instanceof UpstreamFailure || err instanceof UpstreamClientError) throw err;
      if (isTimeout(err)) throw new UpstreamFailure('timeout', `no complete answer within ${formatSeconds(timeoutMs)}`);
      throw new UpstreamFailure('network_error', describeNetworkError(err));
    }
  }

  /** One attempt as the breaker sees it: a 5xx answer that will be retried is marked so (see AnsweredByService). */
  private async attemptForBreaker<T>(req: UpstreamRequest, method: HttpMethod, attempt: number, maxAttempts: number) {
    try {
      return await this.attempt<T>(req, method);
    } catch (err) {
      if (err instanceof UpstreamFailure && err.answeredByService && this.retryDelay(err, attempt, maxAttempts) !== undefined) {
        err.retrying = true;
      }
      throw err;
    }
  }

  /** Delay before the next attempt, or undefined when the error must not be retried. */
  private retryDelay(err: unknown, attempt: number, maxAttempts: number): number | undefined {
    if (attempt >= maxAttempts) return undefined;
    let retryAfterMs: number | undefined;
    if (err instanceof UpstreamFailure) {
      if (err.kind === 'timeout') return undefined;
      retryAfterMs = err.retryAfterMs;
    } else if (err instanceof UpstreamClientError && err.upstreamStatus === 429) {
      retryAfterMs = err.retryAfterMs;
    } else {
      return undefined; // breaker open, other 4xx, programming errors
    }
    if (retryAfterMs !== undefined && retryAfterMs > this.maxRetryDelayMs) return undefined;
    const ceiling = Math.min(this.maxRetryDelayMs, this.options.retryBaseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.random() * ceiling;
    return Math.max(jittered, retryAfterMs ?? 0);
  }

  private classify(err: unknown): CallStatus {
    if (err instanceof BreakerOpenError) return 'rejected';
    if (err instanceof UpstreamClientError) return 'client_error';
    if (err instanceof UpstreamFailure) return err.kind;
    return 'network_error';
  }

  private toAppError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const unavailable = (failure: CallStatus, reason: string) =>
      new AppError(503, 'UPSTREAM_UNAVAILABLE', `${this.displayName} is unavailable right now (${reason})`, {
        details: { service: this.service, failure },
        // Worth trying again once the breaker would let a call through.
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(this.options.breaker.settings.resetTimeoutMs / 1000))) },
        cause: err,
      });
    if (err instanceof BreakerOpenError) return unavailable('rejected', 'it failed repeatedly; calls are paused for a moment');
    if (err instanceof UpstreamFailure) return unavailable(err.kind, err.reason);
    return unavailable('network_error', errorMessage(err));
  }
}

/**
 * Checks an upstream body against the shape we rely on; a mismatch is a 502
 * naming the service and operation (the upstream answered, but not in a form
 * we understand — e.g. a different major version).
 */
export function parseUpstreamBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  client: { service: UpstreamService; displayName: string },
  operation: string,
): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    logger().warn(
      {
        event: 'upstream.unexpected_body',
        upstream: client.service,
        operation,
        issues: result.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
      },
      `${client.displayName} answered ${operation} in an unexpected format`,
    );
    throw new AppError(502, 'UPSTREAM_ERROR', `${client.displayName} answered in an unexpected format`, {
      details: { service: client.service, operation },
    });
  }
  return result.data;
}

/** The CallStatus behind a 503 UPSTREAM_UNAVAILABLE from this client ('server_error', 'timeout', …), if it is one. */
export function upstreamFailureOf(err: unknown): CallStatus | undefined {
  if (!(err instanceof AppError) || err.code !== 'UPSTREAM_UNAVAILABLE') return undefined;
  const failure = (err.details as { failure?: unknown } | undefined)?.failure;
  return CALL_STATUSES.find((s) => s === failure);
}
