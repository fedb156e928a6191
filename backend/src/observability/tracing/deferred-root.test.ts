/**
 * Requests' SERVER spans as records under the tail sampler: a dropped request
 * never builds an SDK span, and a kept one is exported exactly as the SDK span
 * it stands for — same name, kind, attributes, status, exception event,
 * resource and scope, with its children parented to it and inside its times.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { hrTimeToNanoseconds } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingStarts, startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { captureRouteTemplates } from '../metrics/http-metrics';
import { setDeferredRoots } from './deferred-root';
import { setDeferredSpanSink } from './deferred-spans';
import { serverSpans } from './server-spans';
import { TailSamplingSpanProcessor } from './tail-sampling';
import { traceStatement, TracingService } from './trace';

const resource = resourceFromAttributes({ 'service.name': 'medianest-backend', 'service.version': '9.9.9' });
let tracing: InMemoryTracing;
let sampler: TailSamplingSpanProcessor;
let server: http.Server;
let base: string;
/** SDK span objects constructed (each passes its processor's onStart once). */
let constructed = 0;

beforeAll(async () => {
  // Only errors and slow (≥ 60 s) requests are kept.
  tracing = startInMemoryTracing(
    undefined,
    (next) => {
      sampler = new TailSamplingSpanProcessor(next, { slowMs: 60_000, perSecond: 0, burst: 0 });
      setDeferredSpanSink(sampler);
      return countingStarts(sampler, () => constructed++);
    },
    resource,
  );
  const app = express();
  app.use(serverSpans());
  captureRouteTemplates(app);
  app.get('/api/v1/things/:id', async (req, res) => {
    await traceStatement('select * from "things" where id = $1', async () => [{ id: req.params.id }]);
    if (req.query.fail !== 'yes') return void res.json({ ok: true });
    await TracingService.traceAsyncOperation('things.refresh', async () => undefined, { 'things.count': 2 });
    const span = trace.getActiveSpan()!;
    span.recordException(new Error('upstream answered 502'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream answered 502' });
    res.status(503).json({ error: { code: 'UPSTREAM_UNAVAILABLE', message: 'down' } });
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  setDeferredRoots(undefined);
  setDeferredSpanSink(undefined);
  await new Promise((resolve) => server.close(resolve));
  await tracing.shutdown();
});
beforeEach(() => {
  tracing.reset();
  constructed = 0;
});

const ns = (time: ReadableSpan['startTime']) => hrTimeToNanoseconds(time);

/** One request and the spans exported for it, roots made by the SDK or as records. */
async function exported(path: string, deferred: boolean): Promise<ReadableSpan[]> {
  setDeferredRoots(deferred ? { sink: sampler, resource } : undefined);
  try {
    const res = await fetch(`${base}${path}`, { headers: { 'user-agent': 'deferred-root-test' } });
    await res.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the span ends on 'close', after the body
  } finally {
    setDeferredRoots(undefined);
  }
  return tracing.spans();
}

/** What a tracing backend shows of a root: everything but its ids and times. */
function shown(span: ReadableSpan) {
  const { 'client.address': client, 'server.port': port, ...attributes } = span.attributes;
  return {
    name: span.name,
    kind: span.kind,
    parent: span.parentSpanContext,
    status: span.status,
    attributes,
    client: typeof client,
    port: typeof port,
    events: span.events.map((e) => ({
      name: e.name,
      attributes: { ...e.attributes, 'exception.stacktrace': typeof e.attributes?.['exception.stacktrace'] },
    })),
    links: span.links,
    resource: span.resource.attributes,
    scope: span.instrumentationScope.name,
    flags: span.spanContext().traceFlags,
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
    ended: span.ended,
  };
}

describe("a request's SERVER span as a record", () => {
  it('builds no SDK span for a request whose trace is dropped, and leaves nothing waiting', async () => {
    for (let i = 0; i < 5; i++) expect(await exported('/api/v1/things/7', true)).toEqual([]);
    expect(constructed).toBe(0);
    expect(sampler.pendingTraces).toBe(0);
    // The SDK's own root, for comparison: one span object per request.
    await exported('/api/v1/things/7', false);
    expect(constructed).toBe(1);
  });

  it('exports a kept request exactly as the SDK span it stands for, with its children under it', async () => {
    const live = await exported('/api/v1/things/7?fail=yes', false);
    tracing.reset();
    constructed = 0;
    const recorded = await exported('/api/v1/things/7?fail=yes', true);
    expect(constructed).toBe(1); // the child operation's span; the root and the statement are records
    expect(recorded.map((s) => s.name).sort()).toEqual(live.map((s) => s.name).sort());

    const root = recorded.find((s) => s.kind === SpanKind.SERVER)!;
    const liveRoot = live.find((s) => s.kind === SpanKind.SERVER)!;
    expect(shown(root)).toEqual(shown(liveRoot));
    expect(root.name).toBe('GET /api/v1/things/:id');
    expect(root.attributes).toMatchObject({
      'http.route': '/api/v1/things/:id',
      'http.response.status_code': 503,
      'url.path': '/api/v1/things/7',
      'url.query': 'fail=yes',
      'user_agent.original': 'deferred-root-test',
      'medianest.sampling.reason': 'error',
    });
    expect(root.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    // Nanoseconds since 1970 exceed a double's exact range: equal within a microsecond.
    expect(Math.abs(ns(root.endTime) - ns(root.startTime) - ns(root.duration))).toBeLessThan(1_000);
    expect(Math.abs(ns(root.startTime) / 1e6 - Date.now())).toBeLessThan(60_000);

    for (const child of recorded.filter((s) => s !== root)) {
      expect(child.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(child.resource.attributes).toEqual(root.resource.attributes);
      expect(ns(child.startTime)).toBeGreaterThanOrEqual(ns(root.startTime));
      // The statement record runs on the root's own clock, so it ends within the root exactly. The
      // SDK's child span anchors its clock on its own whole-millisecond wall-clock reading, as an SDK
      // child of an SDK root does: its end may lie up to a millisecond past the root's.
      const slack = child.kind === SpanKind.INTERNAL ? 1_000_000 : 0;
      expect(ns(child.endTime), child.name).toBeLessThanOrEqual(ns(root.endTime) + slack);
    }
  });
});
