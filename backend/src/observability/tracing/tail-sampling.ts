/**
 * Tail sampling in process: every new trace is recorded, and whether it is
 * exported is decided when its local root span (the request's SERVER span, a
 * job's span) ends, from what the whole trace did. Kept, in this order:
 *
 * - `parent`: the caller sent a sampled `traceparent` (its trace is continued
 *   whole; an unsampled one is never recorded at all — the parent-based sampler);
 * - `error`: any span of the trace ended with status ERROR (a 5xx, an exception,
 *   an upstream failure, an open circuit breaker);
 * - `slow`: the root span took at least `slowMs`;
 * - `rate`: one of the rest, while a token bucket (`perSecond`, `burst`) has a
 *   token — a household's few requests a second are all kept, a burst is not.
 *
 * Everything else is dropped (`rate_limited`) before it is serialised or
 * exported: the spans of a trace wait here, ended, until the decision, and only
 * a kept trace's spans are handed to the next processor (the batch exporter).
 * The kept reason is the root span's `medianest.sampling.reason` attribute;
 * every decision is counted in `medianest_traces_sampled_total{decision,reason}`.
 *
 * Bounded: at most `maxSpansPerTrace` spans of one trace are kept (the rest are
 * counted and the root says how many were left out), at most `maxTraces` traces
 * wait at once (the oldest is then decided early: `buffer_full`), and a trace
 * whose root has not ended after `maxAgeMs` is decided early (`expired`). An
 * early decision still keeps a trace that already has an error, or is already
 * older than `slowMs` — a long job stays visible.
 */
import { SpanStatusCode, TraceFlags, type Attributes, type Context, type Span as ApiSpan } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { traceSpansDropped, tracesSampledTotal, type TraceSamplingReason } from '../metrics/catalog';
import type { DeferredRootSink, DeferredRootSpan } from './deferred-root';
import { materialize, type DeferredSpan, type DeferredSpanSink } from './deferred-spans';

export const SAMPLING_REASON_ATTRIBUTE = 'medianest.sampling.reason';
export const SPANS_DROPPED_ATTRIBUTE = 'medianest.sampling.spans_dropped';

export interface TailSamplingOptions {
  /** A trace whose root took at least this long is kept. */
  slowMs: number;
  /** Token bucket for the rest: tokens per second and its capacity. */
  perSecond: number;
  burst: number;
  maxSpansPerTrace?: number;
  maxTraces?: number;
  maxAgeMs?: number;
}

/** A token bucket: `take()` succeeds `perSecond` times a second on average, at most `burst` at once. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private readonly capacity: number;

  constructor(
    private readonly perSecond: number,
    burst: number,
  ) {
    this.capacity = perSecond > 0 ? Math.max(1, burst) : burst;
    this.tokens = this.capacity;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Every field is declared, and set when the entry is made (see `open`). */
interface PendingTrace {
  readonly startedAt: number;
  readonly spans: ReadableSpan[];
  /** Leaf spans recorded cheaply (deferred-spans.ts), made into spans only if the trace is kept. */
  readonly deferred: DeferredSpan[];
  /** The local root, while it runs (an early decision labels it). */
  root: Span | DeferredRootSpan | undefined;
  /** The root's attributes that only a kept trace needs (`attributesIfKept`). */
  rootAttributes: (() => Attributes) | undefined;
  error: boolean;
  spansDropped: number;
  /** Set when the local root is ending; acted on when it has ended. */
  verdict: { kept: boolean; reason: TraceSamplingReason } | undefined;
  whenKept: (() => void)[] | undefined;
}

/** Traces decided recently (between this many and twice as many), so spans that end after their root follow the decision. */
const DECIDED_REMEMBERED = 2048;
const CALLBACKS_PER_TRACE = 16;

function isLocalRoot(span: ReadableSpan): boolean {
  const parent = span.parentSpanContext;
  return parent === undefined || parent.isRemote === true;
}

/** A kept trace's root, while it can still be written: why it was kept, what was left out, its deferred attributes. */
function labelKeptRoot(root: Span | DeferredRootSpan, entry: PendingTrace, reason: TraceSamplingReason): void {
  if (entry.rootAttributes) root.setAttributes(entry.rootAttributes());
  entry.rootAttributes = undefined;
  root.setAttribute(SAMPLING_REASON_ATTRIBUTE, reason);
  if (entry.spansDropped > 0) root.setAttribute(SPANS_DROPPED_ATTRIBUTE, entry.spansDropped);
}

/** What the decision reads of a root span. */
type RootOutcome = Pick<ReadableSpan, 'parentSpanContext' | 'status' | 'duration'>;

function durationMs(span: RootOutcome): number {
  return span.duration[0] * 1e3 + span.duration[1] / 1e6;
}

/**
 * The latest decisions, in two generations of `generation` each: when the newer is full, the older
 * is forgotten whole. Forgetting the single oldest entry of one Map instead (`keys().next()`) scans
 * every entry deleted before it, which V8 leaves in place until the table is rebuilt: 1.3 µs a
 * decision at 4,096 entries, against 0.05 µs here.
 */
class RecentDecisions {
  private newer = new Map<string, boolean>();
  private older = new Map<string, boolean>();

  constructor(private readonly generation: number) {}

  get(traceId: string): boolean | undefined {
    return this.newer.get(traceId) ?? this.older.get(traceId);
  }

  set(traceId: string, kept: boolean): void {
    if (this.newer.size >= this.generation) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(traceId, kept);
  }
}

/**
 * Lets go of everything of a decided trace's request that its entry still references. The entry
 * itself outlives the decision, until the next full collection: most likely in the pending map's
 * old tables, which V8 leaves as they were when it copies the map into a new table as it grows or
 * shrinks. An entry still holding its root, the closure of the root's deferred attributes (which
 * references the request and response), its records and callbacks kept all of them alive that
 * long. Measured with 10 requests in flight, everything on: 7.8 KB promoted a request, 0.5 KB once
 * decided entries are emptied.
 */
function forget(entry: PendingTrace): void {
  entry.root = undefined;
  entry.rootAttributes = undefined;
  entry.whenKept = undefined;
  entry.spans.length = 0;
  entry.deferred.length = 0;
}

export class TailSamplingSpanProcessor implements SpanProcessor, DeferredSpanSink, DeferredRootSink {
  private readonly pending = new Map<string, PendingTrace>();
  private readonly decided = new RecentDecisions(DECIDED_REMEMBERED);
  private readonly bucket: TokenBucket;
  private readonly maxSpansPerTrace: number;
  private readonly maxTraces: number;
  private readonly maxAgeMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly next: SpanProcessor,
    private readonly options: TailSamplingOptions,
  ) {
    this.bucket = new TokenBucket(options.perSecond, options.burst);
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 256;
    this.maxTraces = options.maxTraces ?? 1024;
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.sweeper = setInterval(() => this.expire(), Math.min(5_000, Math.max(100, this.maxAgeMs / 4)));
    this.sweeper.unref();
  }

  /** Traces waiting for their decision (for tests and the bench). */
  get pendingTraces(): number {
    return this.pending.size;
  }

  /** Runs `fn` if and when the trace is kept: at once when it already was, never when it is dropped. */
  whenKept(traceId: string, fn: () => void): void {
    const decided = this.decided.get(traceId);
    if (decided !== undefined) {
      if (decided) fn();
      return;
    }
    const entry = this.pending.get(traceId);
    if (!entry) return;
    entry.whenKept ??= [];
    if (entry.whenKept.length < CALLBACKS_PER_TRACE) entry.whenKept.push(fn);
  }

  /** A deferred span ended: kept with its undecided trace, exported now if kept, forgotten if dropped. */
  add(record: DeferredSpan): void {
    const traceId = record.parent.spanContext().traceId;
    const decided = this.decided.get(traceId);
    if (decided !== undefined) {
      if (decided) this.next.onEnd(materialize(record));
      return;
    }
    const entry = this.pending.get(traceId) ?? this.open(traceId);
    if (record.failed) entry.error = true;
    if (entry.spans.length + entry.deferred.length < this.maxSpansPerTrace) entry.deferred.push(record);
    else entry.spansDropped++;
  }

  attributesIfKept(span: ApiSpan, attributes: () => Attributes): void {
    const traceId = span.spanContext().traceId;
    const decided = this.decided.get(traceId);
    const entry = this.pending.get(traceId);
    if (decided === false) return;
    if (decided === true || !entry || entry.root !== span) span.setAttributes(attributes());
    else entry.rootAttributes = attributes;
  }

  /** A request's root started as a record (deferred-root.ts): its trace waits here like an SDK root's. */
  openRoot(root: DeferredRootSpan): void {
    this.startRoot(root.spanContext().traceId, root);
  }

  /** The record's root ends: decided now; only a kept one becomes a span for the exporter. */
  endRoot(root: DeferredRootSpan): void {
    const traceId = root.spanContext().traceId;
    const entry = this.pending.get(traceId);
    if (!entry) {
      // Decided early (buffer full, expired): the root follows that decision.
      if (this.decided.get(traceId)) this.next.onEnd(root.toReadableSpan());
      return;
    }
    const verdict = this.decide(root, entry);
    if (verdict.kept) {
      labelKeptRoot(root, entry, verdict.reason);
      entry.spans.push(root.toReadableSpan());
    }
    this.finish(traceId, entry, verdict.kept, verdict.reason);
  }

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
    if (!isLocalRoot(span)) return;
    const traceId = span.spanContext().traceId;
    if (this.decided.get(traceId) === undefined) this.startRoot(traceId, span);
  }

  /** A local root started: its trace waits for the decision, labelled by it. */
  private startRoot(traceId: string, root: Span | DeferredRootSpan): void {
    const entry = this.pending.get(traceId) ?? this.open(traceId);
    entry.root ??= root;
  }

  onEnding(span: Span): void {
    if (!isLocalRoot(span)) return;
    const entry = this.pending.get(span.spanContext().traceId);
    if (!entry || entry.verdict) return;
    const verdict = this.decide(span, entry);
    entry.verdict = verdict;
    if (verdict.kept) labelKeptRoot(span, entry, verdict.reason);
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const decided = this.decided.get(traceId);
    if (decided !== undefined) {
      if (decided) this.next.onEnd(span);
      return;
    }
    const entry = this.pending.get(traceId) ?? this.open(traceId);
    if (span.status.code === SpanStatusCode.ERROR) entry.error = true;
    const root = isLocalRoot(span);
    if (root || entry.spans.length + entry.deferred.length < this.maxSpansPerTrace) entry.spans.push(span);
    else entry.spansDropped++;
    if (root && entry.verdict) this.finish(traceId, entry, entry.verdict.kept, entry.verdict.reason);
  }

  async forceFlush(): Promise<void> {
    await this.next.forceFlush();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.sweeper);
    for (const [traceId, entry] of this.pending) this.decideEarly(traceId, entry, 'expired');
    await this.next.shutdown();
  }

  private decide(root: RootOutcome, entry: PendingTrace): { kept: boolean; reason: TraceSamplingReason } {
    const parent = root.parentSpanContext;
    if (parent?.isRemote && (parent.traceFlags & TraceFlags.SAMPLED) !== 0) return { kept: true, reason: 'parent' };
    if (entry.error || root.status.code === SpanStatusCode.ERROR) return { kept: true, reason: 'error' };
    if (durationMs(root) >= this.options.slowMs) return { kept: true, reason: 'slow' };
    if (this.bucket.take()) return { kept: true, reason: 'rate' };
    return { kept: false, reason: 'rate_limited' };
  }

  private open(traceId: string): PendingTrace {
    if (this.pending.size >= this.maxTraces) {
      const [oldestId, oldest] = this.pending.entries().next().value as [string, PendingTrace];
      this.decideEarly(oldestId, oldest, 'buffer_full');
    }
    // Every field from the start, so that every entry has the same hidden class.
    const entry: PendingTrace = {
      startedAt: Date.now(),
      spans: [],
      deferred: [],
      root: undefined,
      rootAttributes: undefined,
      error: false,
      spansDropped: 0,
      verdict: undefined,
      whenKept: undefined,
    };
    this.pending.set(traceId, entry);
    return entry;
  }

  /** Decides a trace before its root ended: kept if it already shows an error or is already slow. */
  private decideEarly(traceId: string, entry: PendingTrace, reason: 'buffer_full' | 'expired'): void {
    const age = Date.now() - entry.startedAt;
    const keptFor: TraceSamplingReason | undefined = entry.error ? 'error' : age >= this.options.slowMs ? 'slow' : undefined;
    if (keptFor && entry.root?.isRecording()) labelKeptRoot(entry.root, entry, keptFor);
    this.finish(traceId, entry, keptFor !== undefined, keptFor ?? reason);
  }

  private expire(): void {
    const cutoff = Date.now() - this.maxAgeMs;
    // Insertion order is age order: stop at the first trace still young enough.
    for (const [traceId, entry] of this.pending) {
      if (entry.startedAt > cutoff) break;
      this.decideEarly(traceId, entry, 'expired');
    }
  }

  private finish(traceId: string, entry: PendingTrace, kept: boolean, reason: TraceSamplingReason): void {
    this.pending.delete(traceId);
    this.decided.set(traceId, kept);
    tracesSampledTotal.inc({ decision: kept ? 'kept' : 'dropped', reason });
    if (kept) this.export(entry);
    forget(entry);
  }

  /** A kept trace's spans to the next processor, then what waited for the decision. */
  private export(entry: PendingTrace): void {
    for (const span of entry.spans) this.next.onEnd(span);
    for (const record of entry.deferred) this.next.onEnd(materialize(record));
    if (entry.spansDropped > 0) traceSpansDropped.inc(entry.spansDropped);
    for (const fn of entry.whenKept ?? []) {
      try {
        fn();
      } catch {
        // A callback's failure (an exemplar) must not break span processing.
      }
    }
  }
}
