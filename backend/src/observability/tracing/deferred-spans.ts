/**
 * Spans that cost a small record unless their trace is kept. A database
 * statement (and any other leaf CLIENT span on a hot path) is many spans per
 * request, and with tail sampling most requests' traces are dropped: building,
 * attributing, ending and buffering span objects for them is wasted work. So
 * while the tail sampler has not decided the trace yet, such a span is only a
 * record — its template (name, kind, attributes, shared by every statement of
 * the same text), its parent span, start and end on the parent's clock, and a
 * failure. The tail sampler keeps the records with the trace's other spans;
 * when it keeps the trace it turns each into a finished span (`materialize`) —
 * a real span id, the parent's trace id and span id, the same resource and
 * scope as an SDK span, the exception event and ERROR status of a failure — so
 * a kept trace looks in Jaeger/Tempo exactly as if the span had been made live.
 * A dropped trace never builds one. Without tail sampling, a live span is made
 * as usual (trace.ts).
 */
import { randomBytes } from 'node:crypto';
import { SpanStatusCode, TraceFlags, type Attributes, type HrTime, type Span, type SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { redactText } from '../redact';
import { otelCore } from './otel-core';

export const TRACER_NAME = 'medianest-backend';
const SCOPE = { name: TRACER_NAME };

/** What every span of one kind of operation shares (one per distinct statement text). */
export interface SpanTemplate {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes;
}

/** One operation as recorded under an undecided trace: no span object yet. */
export interface DeferredSpan {
  readonly template: SpanTemplate;
  readonly parent: Span;
  /** performance.now() at start and end. */
  readonly start: number;
  readonly end: number;
  readonly failed: boolean;
  readonly error?: unknown;
}

/** Where records go (the tail sampler); undefined: spans are made live. */
export interface DeferredSpanSink {
  add(record: DeferredSpan): void;
  /** Sets `attributes()` on the local root `span` as it ends, only if its trace is kept. */
  attributesIfKept(span: Span, attributes: () => Attributes): void;
}

let sink: DeferredSpanSink | undefined;
export function setDeferredSpanSink(next: DeferredSpanSink | undefined): void {
  sink = next;
}

/**
 * Starts a deferred span under `parent` (a recording span); the returned function ends it.
 * Undefined when no sink is installed (the caller makes a live span instead).
 */
export function startDeferredSpan(parent: Span, template: SpanTemplate): ((failed?: boolean, error?: unknown) => void) | undefined {
  const target = sink;
  if (!target) return undefined;
  const start = performance.now();
  return (failed = false, error?: unknown) => target.add({ template, parent, start, end: performance.now(), failed, error });
}

/**
 * Attributes of a trace's local root that only a kept trace needs (a request's URL, client and
 * user agent): computed as the root ends and only if the trace is kept. Without a sink (tail
 * sampling off: every trace is exported), set now.
 */
export function setAttributesIfKept(span: Span, attributes: () => Attributes): void {
  if (sink) sink.attributesIfKept(span, attributes);
  else span.setAttributes(attributes());
}

/** An error as spans may carry it: name, message and stack without secrets. */
export function safeError(error: unknown): { name?: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { message: redactText(String(error)) };
  return { name: error.name, message: redactText(error.message), ...(error.stack ? { stack: redactText(error.stack) } : {}) };
}

/**
 * The parent's clock: an SDK span's start plus performance time since it began, exactly as the
 * SDK computes the parent's own end, so a child's times always lie within its parent's.
 */
function clockOf(parent: Span): (perf: number) => HrTime {
  const span = parent as unknown as { startTime?: HrTime; _performanceStartTime?: number };
  const anchor = span.startTime;
  const anchorPerf = span._performanceStartTime;
  const { addHrTimes, hrTime, millisToHrTime } = otelCore();
  if (Array.isArray(anchor) && typeof anchorPerf === 'number') return (perf) => addHrTimes(anchor, millisToHrTime(perf - anchorPerf));
  return (perf) => hrTime(perf);
}

function exceptionEvent(error: unknown, time: HrTime): TimedEvent {
  const safe = safeError(error);
  const attributes: Attributes = { 'exception.message': safe.message };
  if (safe.name) attributes['exception.type'] = safe.name;
  if (safe.stack) attributes['exception.stacktrace'] = safe.stack;
  return { name: 'exception', attributes, time, droppedAttributesCount: 0 };
}

/** The finished span a record stands for, as the SDK would have exported it. */
export function materialize(record: DeferredSpan): ReadableSpan {
  const parentContext = record.parent.spanContext();
  const clock = clockOf(record.parent);
  const startTime = clock(record.start);
  const endTime = clock(Math.max(record.start, record.end));
  const spanContext = { traceId: parentContext.traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED };
  const events = record.failed ? [exceptionEvent(record.error, endTime)] : [];
  const status = record.failed ? { code: SpanStatusCode.ERROR, message: safeError(record.error).message } : { code: SpanStatusCode.UNSET };
  return {
    name: record.template.name,
    kind: record.template.kind,
    spanContext: () => spanContext,
    parentSpanContext: parentContext,
    startTime,
    endTime,
    duration: otelCore().hrTimeDuration(startTime, endTime),
    ended: true,
    status,
    attributes: { ...record.template.attributes },
    links: [],
    events,
    resource: (record.parent as unknown as Partial<ReadableSpan>).resource as ReadableSpan['resource'],
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
