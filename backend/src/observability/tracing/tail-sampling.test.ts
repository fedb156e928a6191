/**
 * The tail sampler (tail-sampling.ts) with spans exported to memory: what an
 * operator finds in Jaeger — every trace with an error, every slow one, a
 * sampled caller's, a rate-limited share of the rest — what the counters say,
 * and that the buffers stay bounded.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type Context, type Tracer } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { traceSpansDropped, tracesSampledTotal } from '../metrics/catalog';
import { SAMPLING_REASON_ATTRIBUTE, SPANS_DROPPED_ATTRIBUTE, TailSamplingSpanProcessor, type TailSamplingOptions } from './tail-sampling';

let exported: InMemorySpanExporter;
let sampler: TailSamplingSpanProcessor;
let provider: BasicTracerProvider;
let tracer: Tracer;

function setup(options: Partial<TailSamplingOptions> = {}): void {
  exported = new InMemorySpanExporter();
  sampler = new TailSamplingSpanProcessor(new SimpleSpanProcessor(exported), { slowMs: 500, perSecond: 5, burst: 20, ...options });
  provider = new BasicTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [sampler] });
  tracer = provider.getTracer('test');
}

beforeEach(() => {
  vi.useFakeTimers();
  tracesSampledTotal.reset();
  traceSpansDropped.reset();
});
afterEach(async () => {
  await provider?.shutdown();
  vi.useRealTimers();
});

interface RequestShape {
  ms?: number;
  status?: 'ok' | 'error';
  /** A child span (a database statement, an upstream call) that failed. */
  failingChild?: boolean;
  children?: number;
  parent?: Context;
}

/** One request's trace: a root span with children, `ms` long (explicit times; no waiting). */
function request(shape: RequestShape = {}): string {
  const start = Date.now();
  const root = tracer.startSpan('GET /api/v1/things', { startTime: start }, shape.parent ?? ROOT_CONTEXT);
  const inRoot = trace.setSpan(ROOT_CONTEXT, root);
  for (let i = 0; i < (shape.children ?? 1); i++) {
    tracer.startSpan('SELECT things', { startTime: start }, inRoot).end(start + 1);
  }
  if (shape.failingChild) {
    const child = tracer.startSpan('overseerr.search', { startTime: start }, inRoot);
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream answered 503' });
    child.end(start + 2);
  }
  if (shape.status === 'error') root.setStatus({ code: SpanStatusCode.ERROR });
  root.end(start + (shape.ms ?? 5));
  return root.spanContext().traceId;
}

const exportedTraces = () => new Set(exported.getFinishedSpans().map((s) => s.spanContext().traceId));
const rootOf = (traceId: string) => exported.getFinishedSpans().find((s) => s.spanContext().traceId === traceId && !s.parentSpanContext);

async function counted(): Promise<Record<string, number>> {
  const { values } = await tracesSampledTotal.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.decision}/${v.labels.reason}`, v.value]));
}

describe('the tail sampler', () => {
  it('keeps a household pace completely: a few requests a second, every one exported with all its spans', async () => {
    setup();
    const ids: string[] = [];
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < 4; i++) ids.push(request({ children: 2 }));
      vi.advanceTimersByTime(1000);
    }
    expect(exportedTraces()).toEqual(new Set(ids));
    expect(exported.getFinishedSpans()).toHaveLength(ids.length * 3);
    expect(rootOf(ids[0]!)?.attributes[SAMPLING_REASON_ATTRIBUTE]).toBe('rate');
    expect(await counted()).toEqual({ 'kept/rate': 40 });
  });

  it('rate-limits a burst of fast successful requests to the bucket, and refills it over time', async () => {
    setup({ perSecond: 2, burst: 5 });
    for (let i = 0; i < 100; i++) request();
    expect(exportedTraces().size).toBe(5);
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 100; i++) request();
    expect(exportedTraces().size).toBe(7);
    expect(await counted()).toEqual({ 'kept/rate': 7, 'dropped/rate_limited': 193 });
    expect(sampler.pendingTraces).toBe(0);
  });

  it('always exports traces with an error, in the root or any child, even in a burst that exhausted the bucket', async () => {
    setup({ perSecond: 1, burst: 1 });
    const errors: string[] = [];
    for (let i = 0; i < 200; i++) {
      request();
      if (i % 20 === 0) errors.push(request({ status: 'error' }));
      if (i % 20 === 10) errors.push(request({ failingChild: true }));
    }
    const kept = exportedTraces();
    for (const id of errors) expect(kept.has(id), id).toBe(true);
    expect(rootOf(errors[0]!)?.attributes[SAMPLING_REASON_ATTRIBUTE]).toBe('error');
    expect(rootOf(errors[1]!)?.attributes[SAMPLING_REASON_ATTRIBUTE]).toBe('error');
    // The failing child itself is exported with its trace.
    expect(exported.getFinishedSpans().some((s) => s.spanContext().traceId === errors[1] && s.name === 'overseerr.search')).toBe(true);
    expect((await counted())['kept/error']).toBe(20);
  });

  it('always exports slow traces (at or over the threshold), not ones just under it', async () => {
    setup({ perSecond: 0, burst: 0, slowMs: 500 });
    const slow = [request({ ms: 500 }), request({ ms: 2_000 })];
    const fast = request({ ms: 499 });
    expect(exportedTraces()).toEqual(new Set(slow));
    expect(exportedTraces().has(fast)).toBe(false);
    expect(rootOf(slow[0]!)?.attributes[SAMPLING_REASON_ATTRIBUTE]).toBe('slow');
    expect(await counted()).toEqual({ 'kept/slow': 2, 'dropped/rate_limited': 1 });
  });

  it("honours a caller's sampled traceparent, and records nothing for an unsampled one", async () => {
    setup({ perSecond: 0, burst: 0 });
    const remote = (flags: TraceFlags) =>
      trace.setSpanContext(ROOT_CONTEXT, {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: flags,
        isRemote: true,
      });
    const sampled = request({ parent: remote(TraceFlags.SAMPLED) });
    expect(sampled).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(exportedTraces()).toEqual(new Set([sampled]));
    expect(rootOf(sampled)).toBeUndefined(); // the root has a (remote) parent
    const localRoot = exported.getFinishedSpans().find((s) => s.parentSpanContext?.isRemote);
    expect(localRoot?.attributes[SAMPLING_REASON_ATTRIBUTE]).toBe('parent');

    exported.reset();
    request({ parent: remote(TraceFlags.NONE) });
    expect(exported.getFinishedSpans()).toEqual([]);
    expect(await counted()).toEqual({ 'kept/parent': 1 });
  });

  it('keeps at most maxSpansPerTrace spans of a trace (plus its root), says how many were left out, and counts them', async () => {
    setup({ maxSpansPerTrace: 3 });
    const id = request({ children: 10 });
    expect(exported.getFinishedSpans()).toHaveLength(4);
    expect(rootOf(id)?.attributes[SPANS_DROPPED_ATTRIBUTE]).toBe(7);
    expect((await traceSpansDropped.get()).values[0]?.value).toBe(7);
  });

  it('waits for at most maxTraces traces at once: the oldest is decided early (dropped, or kept when it already failed)', async () => {
    setup({ maxTraces: 2, perSecond: 0, burst: 0 });
    const open = (failing: boolean) => {
      const root = tracer.startSpan('job');
      if (failing) {
        const child = tracer.startSpan('step', {}, trace.setSpan(ROOT_CONTEXT, root));
        child.setStatus({ code: SpanStatusCode.ERROR });
        child.end();
      }
      return root;
    };
    const failed = open(true);
    const quiet = open(false);
    expect(sampler.pendingTraces).toBe(2);
    const third = open(false);
    expect(sampler.pendingTraces).toBe(2);
    expect(exportedTraces()).toEqual(new Set([failed.spanContext().traceId])); // its failed step, at once
    open(false);
    expect(sampler.pendingTraces).toBe(2);
    expect(await counted()).toEqual({ 'kept/error': 1, 'dropped/buffer_full': 1 });
    // The rest of the early-kept trace follows its decision; the early-dropped one stays dropped.
    failed.end();
    quiet.end();
    expect(exported.getFinishedSpans().filter((s) => s.spanContext().traceId === failed.spanContext().traceId)).toHaveLength(2);
    expect(exportedTraces().has(quiet.spanContext().traceId)).toBe(false);
    expect(sampler.pendingTraces).toBe(2);
    third.end();
    expect(sampler.pendingTraces).toBe(1);
  });

  it('decides a trace whose root has not ended after maxAgeMs: a long job is kept as slow, with its later spans', async () => {
    setup({ maxAgeMs: 10_000, slowMs: 500, perSecond: 0, burst: 0 });
    const job = tracer.startSpan('library.sync');
    const inJob = trace.setSpan(ROOT_CONTEXT, job);
    tracer.startSpan('plex.sections', {}, inJob).end();
    vi.advanceTimersByTime(12_000);
    expect(sampler.pendingTraces).toBe(0);
    expect(exported.getFinishedSpans().map((s) => s.name)).toEqual(['plex.sections']);
    tracer.startSpan('INSERT media', {}, inJob).end();
    job.end();
    expect(exported.getFinishedSpans().map((s) => s.name)).toEqual(['plex.sections', 'INSERT media', 'library.sync']);
    expect(exported.getFinishedSpans()[2]!.attributes[SAMPLING_REASON_ATTRIBUTE]).toBe('slow');
    expect(await counted()).toEqual({ 'kept/slow': 1 });
  });

  it('drops an expired trace that is neither failed nor slow (a threshold above the age limit)', async () => {
    setup({ maxAgeMs: 1_000, slowMs: 60_000, perSecond: 0, burst: 0 });
    const root = tracer.startSpan('stuck');
    vi.advanceTimersByTime(2_000);
    root.end();
    expect(exported.getFinishedSpans()).toEqual([]);
    expect(await counted()).toEqual({ 'dropped/expired': 1 });
  });

  it('lets a span that ends after its root follow the decision, also thousands of decisions later', () => {
    setup({ perSecond: 0, burst: 0 });
    const lateChild = (status: 'ok' | 'error') => {
      const root = tracer.startSpan('GET /x');
      const child = tracer.startSpan('realtime.publish', {}, trace.setSpan(ROOT_CONTEXT, root));
      if (status === 'error') root.setStatus({ code: SpanStatusCode.ERROR });
      root.end();
      return { traceId: root.spanContext().traceId, child };
    };
    const kept = lateChild('error');
    const dropped = lateChild('ok');
    for (let i = 0; i < 2047; i++) request();
    kept.child.end();
    dropped.child.end();
    const spans = exported.getFinishedSpans();
    expect(spans.filter((s) => s.spanContext().traceId === kept.traceId).map((s) => s.name)).toEqual(['GET /x', 'realtime.publish']);
    expect(spans.some((s) => s.spanContext().traceId === dropped.traceId)).toBe(false);
    expect(sampler.pendingTraces).toBe(0);
  });

  it('runs whenKept callbacks (metric exemplars) only for kept traces, at the decision or at once when already kept', () => {
    setup({ perSecond: 0, burst: 0 });
    const seen: string[] = [];
    const pending = (status: 'ok' | 'error') => {
      const root = tracer.startSpan('GET /x');
      const id = root.spanContext().traceId;
      sampler.whenKept(id, () => seen.push(`${status} at decision`));
      if (status === 'error') root.setStatus({ code: SpanStatusCode.ERROR });
      root.end();
      sampler.whenKept(id, () => seen.push(`${status} after`));
    };
    pending('ok');
    pending('error');
    expect(seen).toEqual(['error at decision', 'error after']);
  });
  it("builds a request's own attributes only for a trace it keeps, and puts them on the kept root", () => {
    setup({ perSecond: 0, burst: 0 });
    const built: string[] = [];
    const traceOf = (name: string, status: 'ok' | 'error') => {
      const start = Date.now();
      const root = tracer.startSpan('GET /api/v1/things', { startTime: start }, ROOT_CONTEXT);
      sampler.attributesIfKept(root, () => {
        built.push(name);
        return { 'url.path': `/api/v1/things/${name}` };
      });
      if (status === 'error') root.setStatus({ code: SpanStatusCode.ERROR });
      root.end(start + 5);
      return root.spanContext().traceId;
    };
    const dropped = traceOf('fast', 'ok');
    const kept = traceOf('failed', 'error');
    expect(built).toEqual(['failed']);
    expect(exportedTraces()).toEqual(new Set([kept]));
    expect(rootOf(kept)?.attributes).toMatchObject({ 'url.path': '/api/v1/things/failed', [SAMPLING_REASON_ATTRIBUTE]: 'error' });
    expect(exportedTraces().has(dropped)).toBe(false);
  });
});
