/**
 * A request's SERVER span as a plain record until its trace is decided. With
 * tail sampling, most requests' traces are dropped, and an SDK span costs every
 * request its construction, attribute validation and the span processors'
 * hooks. So when the tail sampler decides what is exported and every new trace
 * is recorded (sampler ratio 1, the default) a request without a caller's
 * `traceparent` gets this instead: ids, a start time, attributes, status, events
 * and links kept as they are set, exactly the API's `Span`. The tail sampler
 * opens its trace when it starts and decides the trace when it ends; only a
 * kept root becomes a finished span (`toReadableSpan`) — same ids, times,
 * resource and scope as the SDK would have exported, so a kept trace looks the
 * same in Jaeger or Tempo. Child spans (SDK spans of outgoing calls, deferred
 * statement records) find it as their parent in the context as usual.
 *
 * A caller's `traceparent`, or a sampler ratio below 1, keeps the SDK's span:
 * the SDK's sampler decides those.
 */
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { TRACER_NAME } from './deferred-spans';
import { otelCore } from './otel-core';

/** The SDK's default limits for one span's events and links. */
const MAX_EVENTS = 128;
const MAX_LINKS = 128;
const SCOPE = { name: TRACER_NAME };
const INVALID_TRACE_ID = '0'.repeat(32);

/** Where deferred roots are opened and decided (the tail sampler). */
export interface DeferredRootSink {
  openRoot(root: DeferredRootSpan): void;
  /** Called as the root ends, while it still takes attributes (the kept reason). */
  endRoot(root: DeferredRootSpan): void;
}

let roots: { sink: DeferredRootSink; resource: Resource } | undefined;
/** Installed by the SDK bootstrap (sdk.ts) with the resource its own spans carry; undefined: SDK spans only. */
export function setDeferredRoots(next: { sink: DeferredRootSink; resource: Resource } | undefined): void {
  roots = next;
}

/** The local root of a new trace: a deferred root when installed, else the tracer's span. */
export function startRootSpan(tracer: Tracer, name: string, kind: SpanKind): Span {
  if (roots) return new DeferredRootSpan(roots.sink, roots.resource, name, kind);
  return tracer.startSpan(name, { kind }, ROOT_CONTEXT);
}

/**
 * Ids as the SDK makes them (its RandomIdGenerator): from Math.random, which is fast, not from the
 * system's random source, which cost ~25 µs a request here. Trace ids are identifiers, not secrets.
 */
const idBytes = Buffer.allocUnsafe(24);
function newSpanContext(): SpanContext {
  for (let offset = 0; offset < 24; offset += 4) idBytes.writeUInt32BE((Math.random() * 2 ** 32) >>> 0, offset);
  let traceId = idBytes.toString('hex', 0, 16);
  if (traceId === INVALID_TRACE_ID) traceId = `${traceId.slice(0, 31)}1`;
  let spanId = idBytes.toString('hex', 16, 24);
  if (spanId === INVALID_TRACE_ID.slice(16)) spanId = `${spanId.slice(0, 15)}1`;
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED };
}

export class DeferredRootSpan implements Span {
  readonly kind: SpanKind;
  readonly resource: Resource;
  readonly parentSpanContext = undefined;
  name: string;
  readonly attributes: Attributes = {};
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly events: TimedEvent[] = [];
  readonly links: Link[] = [];
  /** Wall-clock start, and the performance clock's reading at that moment (children's times are measured from it). */
  readonly startTime: HrTime;
  readonly _performanceStartTime: number;
  endTime: HrTime = [0, 0];
  duration: HrTime = [0, 0];
  ended = false;
  private droppedEvents = 0;
  private droppedLinks = 0;
  private readonly context = newSpanContext();

  constructor(
    private readonly sink: DeferredRootSink,
    resource: Resource,
    name: string,
    kind: SpanKind,
  ) {
    this.resource = resource;
    this.name = name;
    this.kind = kind;
    // As the SDK: the wall clock in milliseconds, so children's SDK spans (also whole milliseconds) never start before it.
    this.startTime = otelCore().millisToHrTime(Date.now());
    this._performanceStartTime = performance.now();
    sink.openRoot(this);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (!this.ended && value !== undefined && value !== null) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    if (this.events.length >= MAX_EVENTS) {
      this.droppedEvents++;
      return this;
    }
    const timed = otelCore().isTimeInput(attributesOrTime);
    const attributes = timed ? undefined : attributesOrTime;
    this.events.push({ name, attributes, time: this.timeOf(timed ? attributesOrTime : time), droppedAttributesCount: 0 });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    if (this.links.length >= MAX_LINKS) this.droppedLinks++;
    else this.links.push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  /** As the SDK: UNSET changes nothing, OK is final, a message only with ERROR. */
  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status = status.code === SpanStatusCode.ERROR ? { ...status } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.endTime = this.timeOf(endTime);
    if (this.endTime[0] < this.startTime[0] || (this.endTime[0] === this.startTime[0] && this.endTime[1] < this.startTime[1])) {
      this.endTime = this.startTime;
    }
    this.duration = otelCore().hrTimeDuration(this.startTime, this.endTime);
    this.sink.endRoot(this);
    this.ended = true;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  /** The exception event the SDK records: type (code or name), message and stack. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) this.addEvent('exception', attributes, time);
  }

  /** The finished span, as the SDK would have handed it to the exporter. */
  toReadableSpan(): ReadableSpan {
    const context = this.context;
    return {
      name: this.name,
      kind: this.kind,
      spanContext: () => context,
      parentSpanContext: undefined,
      startTime: this.startTime,
      endTime: this.endTime,
      duration: this.duration,
      ended: true,
      status: this.status,
      attributes: { ...this.attributes },
      links: [...this.links],
      events: [...this.events],
      resource: this.resource,
      instrumentationScope: SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: this.droppedEvents,
      droppedLinksCount: this.droppedLinks,
    };
  }

  /** Now on the span's clock, or the time given (as the SDK reads it). */
  private timeOf(input?: TimeInput): HrTime {
    const { addHrTimes, millisToHrTime, timeInputToHrTime } = otelCore();
    if (input === undefined) return addHrTimes(this.startTime, millisToHrTime(performance.now() - this._performanceStartTime));
    return timeInputToHrTime(input);
  }
}
