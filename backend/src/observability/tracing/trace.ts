/**
 * Custom spans around async operations, external calls and database work:
 * external calls are real CLIENT spans (SpanKind in the span
 * options, not an attribute), exceptions are recorded with status ERROR, URLs
 * lose their tokens and SQL loses its literal values before they reach a span.
 * Also the service identity shared by logs and traces, and `currentTraceIds()`
 * for the logger mixin and the metric exemplars.
 *
 * Without a registered tracer provider (no OTLP endpoint) every helper just
 * runs the operation: the API's no-op tracer costs next to nothing.
 */
import os from 'node:os';
import { context, INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parseStatement, statementShape, type ParsedStatement } from '../sql-statement';
import { sanitizeUrl } from '../redact';
import { safeError, startDeferredSpan, TRACER_NAME, type SpanTemplate } from './deferred-spans';
import { otelCore } from './otel-core';

export const SERVICE_NAME = 'medianest-backend';
/** One id per process, on every log line (`instance`) and span resource (`service.instance.id`). */
export const SERVICE_INSTANCE_ID = `${os.hostname()}-${process.pid}`;

export { TRACER_NAME };

let sdkStarted = false;
/** Called by the SDK bootstrap (sdk.ts) once spans are being recorded and exported. */
export function markTracingStarted(): void {
  sdkStarted = true;
}
/** Whether the OpenTelemetry SDK runs in this process (an OTLP endpoint is configured). */
export function tracingEnabled(): boolean {
  return sdkStarted;
}

type KeptHook = (traceId: string, fn: () => void) => void;
let keptHook: KeptHook | undefined;
/** Installed by the SDK bootstrap when the tail sampler decides which traces are exported. */
export function setTraceKeptHook(hook: KeptHook | undefined): void {
  keptHook = hook;
}
/**
 * Runs `fn` once the trace is known to be exported: at once without tail sampling (every recorded
 * trace is), at the sampler's decision with it, never for a dropped trace. Metric exemplars use it
 * so they only ever point at a trace that exists in the tracing backend.
 */
export function whenTraceExported(traceId: string, fn: () => void): void {
  if (keptHook) keptHook(traceId, fn);
  else fn();
}

export interface TraceIds {
  traceId: string;
  spanId: string;
  /** Whether the trace is being recorded and exported (worth linking to). */
  sampled: boolean;
}

/** The trace and span id of the active span, if there is one. */
export function currentTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const ctx = span.spanContext();
  // Ids come from the SDK's generator or a validated traceparent; only the all-zero ones are invalid.
  if (ctx.traceId === INVALID_SPAN_CONTEXT.traceId || ctx.spanId === INVALID_SPAN_CONTEXT.spanId) return undefined;
  return { traceId: ctx.traceId, spanId: ctx.spanId, sampled: (ctx.traceFlags & TraceFlags.SAMPLED) !== 0 };
}

function recordError(span: Span, error: unknown): void {
  const safe = safeError(error);
  if (error instanceof Error) {
    const exception = new Error(safe.message);
    exception.name = safe.name ?? error.name;
    if (safe.stack) exception.stack = safe.stack;
    span.recordException(exception);
  } else {
    span.recordException(safe.message);
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: safe.message });
}

export interface TraceOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Only create a span when a parent span is active (keeps background noise out of traces). */
  requireParent?: boolean;
}

async function runInSpan<T>(name: string, options: TraceOptions, operation: (span: Span) => Promise<T>): Promise<T> {
  if (options.requireParent && !trace.getActiveSpan()?.isRecording()) {
    return operation(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  }
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, async (span) => {
    try {
      return await operation(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** What a database span carries: the statement's shape, never its values. */
function databaseAttributes(operation: string, table: string, statement: string): Attributes {
  return {
    'db.system.name': 'postgresql',
    'db.system': 'postgresql',
    'db.operation.name': operation.toUpperCase(),
    'db.collection.name': table,
    'db.query.text': statementShape(statement),
    'db.statement': statementShape(statement),
  };
}

export const TracingService = {
  /** Runs `operation` in an active INTERNAL span; a throw is recorded and the span marked ERROR. */
  traceAsyncOperation<T>(
    operationName: string,
    operation: () => Promise<T>,
    attributes?: Record<string, string | number | boolean>,
  ): Promise<T> {
    return runInSpan(operationName, { attributes }, () => operation());
  },

  /**
   * A CLIENT span for a call to another service, named `{service}.{operation}`, with the method,
   * the URL without secrets and the upstream's status code. The instrumented fetch inside gets
   * its own CLIENT span as a child (with traceparent propagation).
   */
  traceExternalApiCall<T>(service: string, operation: string, url: string, method: string, apiCall: () => Promise<T>): Promise<T> {
    const attributes: Attributes = {
      'http.request.method': method.toUpperCase(),
      'url.full': sanitizeUrl(url),
      'external.service': service,
      'peer.service': service,
    };
    return runInSpan(`${service}.${operation}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const result = await apiCall();
      const status = (result as { status?: unknown } | undefined)?.status;
      if (typeof status === 'number') {
        span.setAttribute('http.response.status_code', status);
        if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `upstream answered ${status}` });
      }
      return result;
    });
  },

  /**
   * A CLIENT span for one database statement, named `{operation} {table}`, carrying the statement's
   * shape (literal values removed) — never the values. Only inside a traced request or job.
   */
  traceDatabaseOperation<T>(operation: string, table: string, statement: string, dbOperation: () => Promise<T>): Promise<T> {
    const attributes = databaseAttributes(operation, table, statement);
    return runInSpan(`${operation.toUpperCase()} ${table}`, { kind: SpanKind.CLIENT, attributes, requireParent: true }, () =>
      dbOperation(),
    );
  },
};

/**
 * Runs `fn` without spans for what it calls. For bookkeeping on every request that would
 * otherwise add spans to each trace (the rate limiter's Redis counter), and for our own
 * telemetry traffic (Loki pushes); failures still surface in the caller's logs and metrics.
 */
export function untraced<T>(fn: () => T): T {
  if (!sdkStarted) return fn();
  return context.with(otelCore().suppressTracing(context.active()), fn);
}

/** The attribute names of collapsed calls, made once (a name built per call is a new string to look up as a key). */
const COLLAPSED_KEYS = { redis: { calls: 'medianest.redis.calls', duration: 'medianest.redis.duration_ms' } } as const;

/**
 * Runs a hot-path call (the cache coherence check's Redis GET on every authenticated request)
 * without a span of its own: its count and total time become attributes of the active span
 * instead — `medianest.<system>.calls` and `medianest.<system>.duration_ms` — so a kept trace
 * still shows what the request spent there, and no request pays a span per check.
 */
export async function collapsedIntoSpan<T>(system: 'redis', fn: () => Promise<T>): Promise<T> {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return fn();
  const started = performance.now();
  try {
    return await untraced(fn);
  } finally {
    // Only while the span runs: an ended span refuses attributes (with a warning).
    if (span.isRecording()) {
      const attributes = (span as Partial<ReadableSpan>).attributes ?? {};
      const { calls, duration } = COLLAPSED_KEYS[system];
      span.setAttribute(calls, Number(attributes[calls] ?? 0) + 1);
      span.setAttribute(duration, Math.round((Number(attributes[duration] ?? 0) + performance.now() - started) * 1000) / 1000);
    }
  }
}

/** Span name and attributes per distinct statement, per database (a statement's text always gives the same ones). */
const statementTemplates = new WeakMap<object, WeakMap<ParsedStatement, SpanTemplate>>();
const NO_CONNECTION: Attributes = {};

function statementTemplate(sql: string, parsed: ParsedStatement, connection: Attributes): SpanTemplate {
  let templates = statementTemplates.get(connection);
  if (!templates) statementTemplates.set(connection, (templates = new WeakMap()));
  let template = templates.get(parsed);
  if (!template) {
    template = {
      name: `${parsed.operation.toUpperCase()} ${parsed.table}`,
      kind: SpanKind.CLIENT,
      attributes: { ...databaseAttributes(parsed.operation, parsed.table, sql), ...connection },
    };
    templates.set(parsed, template);
  }
  return template;
}

type EndSpan = (failed?: boolean, error?: unknown) => void;

/**
 * Starts a leaf span (no children: never made active) under the active span, if one is recording
 * and tracing is not suppressed; the returned function ends it. With tail sampling the span is
 * deferred (deferred-spans.ts): a record, made into a span only if the trace is kept.
 */
export function startLeafSpan(template: SpanTemplate): EndSpan | undefined {
  const active = context.active();
  const parent = trace.getSpan(active);
  if (!parent?.isRecording() || otelCore().isTracingSuppressed(active)) return undefined;
  const deferred = startDeferredSpan(parent, template);
  if (deferred) return deferred;
  const span = trace.getTracer(TRACER_NAME).startSpan(template.name, { kind: template.kind, attributes: template.attributes });
  return (failed = false, error?: unknown) => {
    if (failed) recordError(span, error);
    span.end();
  };
}

/**
 * Starts the CLIENT span of one statement (see startLeafSpan). `connection` adds the database's
 * attributes (name, server) and is expected to be one object per database.
 */
export function startStatementSpan(
  sql: string,
  parsed: ParsedStatement = parseStatement(sql),
  connection: Attributes = NO_CONNECTION,
): EndSpan | undefined {
  return startLeafSpan(statementTemplate(sql, parsed, connection));
}

/** traceDatabaseOperation for a raw SQL statement at the driver, with the operation and table read from it. */
export function traceStatement<T>(
  sql: string,
  run: () => Promise<T>,
  parsed: ParsedStatement = parseStatement(sql),
  connection?: Attributes,
): Promise<T> {
  const end = startStatementSpan(sql, parsed, connection);
  if (!end) return run();
  return run().then(
    (result) => {
      end();
      return result;
    },
    (error: unknown) => {
      end(true, error);
      throw error;
    },
  );
}
