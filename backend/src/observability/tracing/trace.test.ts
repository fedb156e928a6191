import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { createLogger } from '../logging/logger';
import { runWithRequestContext } from '../current-request';
import { collapsedIntoSpan, currentTraceIds, traceStatement, TracingService } from './trace';

let tracing: InMemoryTracing;
const tracer = () => trace.getTracer('test');

beforeAll(() => {
  tracing = startInMemoryTracing();
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

describe('TracingService', () => {
  it('traceExternalApiCall makes a real CLIENT span with the URL minus its token', async () => {
    const result = await TracingService.traceExternalApiCall(
      'plex',
      'getLibraries',
      'http://plex:32400/library/sections?X-Plex-Token=tok-123',
      'get',
      async () => ({ status: 200 }),
    );
    expect(result).toEqual({ status: 200 });
    const [span] = tracing.spans();
    expect(span!.name).toBe('plex.getLibraries');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': 'http://plex:32400/library/sections?X-Plex-Token=[REDACTED]',
      'external.service': 'plex',
      'http.response.status_code': 200,
    });
    expect(span!.attributes['span.kind']).toBeUndefined();
  });

  it('records a failure as an exception with status ERROR, without the secrets in its message, and rethrows', async () => {
    const failure = new Error('connect ECONNREFUSED for http://plex:32400/status?X-Plex-Token=tok-999');
    await expect(
      TracingService.traceExternalApiCall('plex', 'status', 'http://plex:32400/status', 'GET', () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    const [span] = tracing.spans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.status.message).not.toContain('tok-999');
    const exception = span!.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('connect ECONNREFUSED for http://plex:32400/status?X-Plex-Token=[REDACTED]');
    expect(JSON.stringify(span!.events)).not.toContain('tok-999');
  });

  it('marks an upstream 5xx answer as an error', async () => {
    await TracingService.traceExternalApiCall('overseerr', 'request', 'http://o/api/v1/request', 'POST', async () => ({ status: 503 }));
    expect(tracing.spans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('traceAsyncOperation runs the operation in an active INTERNAL span that children attach to', async () => {
    const value = await TracingService.traceAsyncOperation(
      'jobs.request-sync',
      async () => {
        await tracer().startActiveSpan('child', async (child) => child.end());
        return 42;
      },
      { queue: 'request-sync' },
    );
    expect(value).toBe(42);
    const parent = tracing.spans().find((s) => s.name === 'jobs.request-sync')!;
    const child = tracing.spans().find((s) => s.name === 'child')!;
    expect(parent.kind).toBe(SpanKind.INTERNAL);
    expect(parent.attributes.queue).toBe('request-sync');
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('traceDatabaseOperation records the statement shape, never its values, as a CLIENT child of the request', async () => {
    await tracer().startActiveSpan('request', async (request) => {
      await TracingService.traceDatabaseOperation(
        'select',
        'users',
        "select * from users where username = 'alice' and age > 41",
        async () => [],
      );
      request.end();
    });
    const db = tracing.spans().find((s) => s.name === 'SELECT users')!;
    expect(db.kind).toBe(SpanKind.CLIENT);
    expect(db.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT', 'db.collection.name': 'users' });
    expect(db.attributes['db.query.text']).toBe('select * from users where username = ? and age > ?');
    expect(db.parentSpanContext?.spanId).toBe(
      tracing
        .spans()
        .find((s) => s.name === 'request')!
        .spanContext().spanId,
    );
  });

  it('makes no database span outside a traced request (no orphan root spans from background queries)', async () => {
    await traceStatement('select 1', async () => 1);
    await TracingService.traceDatabaseOperation('select', 'users', 'select * from users', async () => []);
    expect(tracing.spans()).toEqual([]);
  });
});

describe('collapsedIntoSpan (hot-path calls)', () => {
  it('makes no span for the calls, and counts them and their time on the request span instead', async () => {
    await tracer().startActiveSpan('GET /api/v1/auth/session', async (request) => {
      for (let i = 0; i < 3; i++) {
        // A span the call would have made (as the ioredis instrumentation does) is suppressed.
        await collapsedIntoSpan('redis', async () => tracer().startSpan('get').end());
      }
      request.end();
    });
    const spans = tracing.spans();
    expect(spans.map((s) => s.name)).toEqual(['GET /api/v1/auth/session']);
    expect(spans[0]!.attributes['medianest.redis.calls']).toBe(3);
    expect(spans[0]!.attributes['medianest.redis.duration_ms']).toBeGreaterThanOrEqual(0);
  });

  it('passes the result and a failure through, and leaves a span that already ended alone', async () => {
    let ended: ReturnType<ReturnType<typeof tracer>['startSpan']> | undefined;
    await tracer().startActiveSpan('GET /x', async (span) => {
      ended = span;
      expect(await collapsedIntoSpan('redis', async () => 'value')).toBe('value');
      span.end();
      await expect(collapsedIntoSpan('redis', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    });
    expect(ended!.isRecording()).toBe(false);
    expect(tracing.spans()[0]!.attributes['medianest.redis.calls']).toBe(1);
  });
});

describe('currentTraceIds', () => {
  it('is undefined outside a span, and the active span ids inside one', async () => {
    expect(currentTraceIds()).toBeUndefined();
    await tracer().startActiveSpan('op', async (span) => {
      await Promise.resolve();
      expect(currentTraceIds()).toEqual({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, sampled: true });
      span.end();
    });
  });
});

describe('log lines and traces', () => {
  /** A logger whose lines are kept, parsed, in `lines`. */
  function capturedLogger() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    return { lines, log: createLogger({ level: 'info', version: '1.2.3', environment: 'test', destination: sink }) };
  }

  /** Runs `write` inside a request (id req-12345678) and its active span, after an await; the span's ids. */
  function inTracedRequest(write: () => void): Promise<{ traceId: string; spanId: string }> {
    return runWithRequestContext({ requestId: 'req-12345678' }, () =>
      tracer().startActiveSpan('request', async (span) => {
        await new Promise((r) => setTimeout(r, 1));
        write();
        span.end();
        return span.spanContext();
      }),
    );
  }

  it('carry the trace and span id of the active span and the request id of the request', async () => {
    const { lines, log } = capturedLogger();
    const ids = await inTracedRequest(() => log.info({ event: 'inside' }, 'inside the request'));
    log.info('outside');
    expect(lines[0]).toMatchObject({
      request_id: 'req-12345678',
      trace_id: ids.traceId,
      span_id: ids.spanId,
      message: 'inside the request',
    });
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('request_id');
  });

  it('keep the trace of a line that names a media request by its own request_id', async () => {
    const { lines, log } = capturedLogger();
    const ids = await inTracedRequest(() => log.info({ event: 'notifications.planned', request_id: 'media-request-42' }, 'planned'));
    expect(lines[0]).toMatchObject({ request_id: 'media-request-42', trace_id: ids.traceId, span_id: ids.spanId });
  });
});
