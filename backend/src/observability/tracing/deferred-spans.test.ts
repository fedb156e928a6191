/**
 * Deferred statement spans under the tail sampler: a kept trace has its
 * statement spans as if they had been made live (right trace, parent, kind,
 * attributes, times inside the parent's, a failure's exception and status);
 * a dropped trace never built a span object for them.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { hrTimeToNanoseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingStarts, startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { setDeferredSpanSink } from './deferred-spans';
import { TailSamplingSpanProcessor } from './tail-sampling';
import { traceStatement } from './trace';

let tracing: InMemoryTracing;
let sampler: TailSamplingSpanProcessor;
/** Span objects the SDK constructed (each calls its processor's onStart once). */
let constructed = 0;

beforeAll(() => {
  // Only errors and slow (≥ 60 s) traces are kept: nothing for its rate.
  tracing = startInMemoryTracing(undefined, (next) => {
    sampler = new TailSamplingSpanProcessor(next, { slowMs: 60_000, perSecond: 0, burst: 0 });
    setDeferredSpanSink(sampler);
    return countingStarts(sampler, () => constructed++);
  });
});
afterAll(async () => {
  setDeferredSpanSink(undefined);
  await tracing.shutdown();
});
beforeEach(() => {
  tracing.reset();
  constructed = 0;
});

const tracer = () => trace.getTracer('test');
const ns = (span: ReadableSpan, which: 'startTime' | 'endTime') => hrTimeToNanoseconds(span[which]);

/** A request with two statements, the second failing when asked to; returns its trace id. */
async function request(options: { failSecond?: boolean } = {}): Promise<string> {
  return tracer().startActiveSpan('GET /api/v1/media/requests', { kind: SpanKind.SERVER }, async (root) => {
    await traceStatement('select * from "media_requests" where "user_id" = $1', async () => [{ id: 1 }]);
    await new Promise((resolve) => setImmediate(resolve));
    await traceStatement('select count(*) from "media_requests" where status = \'pending\'', async () => {
      if (options.failSecond) throw new Error('canceling statement due to statement timeout for postgres://u:hunter2@db/x');
      return [{ count: 3 }];
    }).catch(() => undefined);
    if (options.failSecond) root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
    return root.spanContext().traceId;
  });
}

describe('statement spans under the tail sampler', () => {
  it('builds no span object for the statements of a dropped trace, and exports nothing of it', async () => {
    for (let i = 0; i < 5; i++) await request();
    expect(constructed).toBe(5); // the five SERVER spans, nothing else
    expect(tracing.spans()).toEqual([]);
    expect(sampler.pendingTraces).toBe(0);
  });

  it('exports a kept trace with its statements as CLIENT spans of the request, in order, inside its times', async () => {
    const traceId = await request({ failSecond: true });
    expect(constructed).toBe(1);
    const spans = tracing.spans();
    const root = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const statements = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(statements.map((s) => s.name)).toEqual(['SELECT media_requests', 'SELECT media_requests']);
    for (const span of statements) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.spanContext().spanId).not.toBe(root.spanContext().spanId);
      expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(span.resource).toBe(root.resource);
      expect(span.instrumentationScope.name).toBe('medianest-backend');
      expect(span.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'db.system': 'postgresql', 'db.operation.name': 'SELECT' });
      expect(ns(span, 'startTime')).toBeGreaterThanOrEqual(ns(root, 'startTime'));
      expect(ns(span, 'endTime')).toBeLessThanOrEqual(ns(root, 'endTime'));
      expect(ns(span, 'endTime')).toBeGreaterThanOrEqual(ns(span, 'startTime'));
    }
    const [first, second] = statements;
    expect(ns(second!, 'startTime')).toBeGreaterThanOrEqual(ns(first!, 'endTime'));
    expect(second!.attributes['db.query.text']).toBe('select count(*) from "media_requests" where status = ?');
    expect(first!.status.code).toBe(SpanStatusCode.UNSET);
    expect(second!.status.code).toBe(SpanStatusCode.ERROR);
    const exception = second!.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.type']).toBe('Error');
    expect(JSON.stringify(second)).not.toContain('hunter2');
  });

  it('keeps a trace for a failed statement alone (the request itself answered fine)', async () => {
    await tracer().startActiveSpan('POST /api/v1/requests', async (root) => {
      await expect(
        traceStatement('insert into "media_requests" values ($1)', () => Promise.reject(new Error('disk full'))),
      ).rejects.toThrow();
      root.end();
    });
    expect(tracing.spans().map((s) => s.name)).toEqual(['POST /api/v1/requests', 'INSERT media_requests']);
    expect(tracing.spans()[0]!.attributes['medianest.sampling.reason']).toBe('error');
  });

  it('makes no record outside a traced request', async () => {
    await context.with(context.active(), () => traceStatement('select 1', async () => 1));
    expect(constructed).toBe(0);
    expect(sampler.pendingTraces).toBe(0);
  });
});
