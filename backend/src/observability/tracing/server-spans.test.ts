/**
 * The SERVER span of each request (server-spans.ts), with spans kept in
 * memory: what an operator sees in Jaeger for a request — its name and route,
 * its status, its parent from the caller's traceparent, its database children,
 * the exemplar linking the latency histogram to it — and what is left out
 * (health probes, unsampled traces).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from '../../http/error-handler';
import { requestContextMiddleware } from '../../http/access-log';
import { ADMIN_PASSWORD, createTestApp, testMode, type TestApp } from '../../../test/context';
import { startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { captureRouteTemplates } from '../metrics/http-metrics';
import { serverSpans } from './server-spans';
import { renderMetrics } from '../metrics/metrics-server';
import { currentRequestContext } from '../current-request';
import { currentTraceIds } from './trace';

let tracing: InMemoryTracing;
beforeAll(() => {
  tracing = startInMemoryTracing();
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const serverSpansOf = () => tracing.spans().filter((s) => s.kind === SpanKind.SERVER);

/** Spans end when the response closes, just after the client has its answer. */
async function waitForSpans(count: number, filter: (s: ReadableSpan) => boolean = () => true): Promise<ReadableSpan[]> {
  for (let i = 0; i < 200; i++) {
    const spans = tracing.spans().filter(filter);
    if (spans.length >= count) return spans;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`expected ${count} spans, have ${tracing.spans().filter(filter).length}`);
}

async function listen(handler: http.RequestListener): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the SERVER span middleware', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  const seen: Array<{ traceId?: string; requestId?: string }> = [];

  beforeAll(async () => {
    const app = express();
    app.use(serverSpans());
    app.use(requestContextMiddleware);
    captureRouteTemplates(app);
    const router = express.Router();
    router.get('/items/:id', (_req, res) => {
      seen.push({ traceId: currentTraceIds()?.traceId, requestId: currentRequestContext()?.requestId });
      res.json({ ok: true });
    });
    router.get('/broken/:id', () => {
      throw new Error('database said no to password=hunter2');
    });
    router.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ late: true }), 2000).unref();
    });
    app.use('/api/v1', router);
    app.get('/health/live', (_req, res) => res.json({ status: 'ok' }));
    app.use(notFoundHandler);
    app.use(errorHandler);
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('names the span after the matched route template and records the answer', async () => {
    const res = await fetch(`${server.base}/api/v1/items/42?expand=1`, { headers: { 'user-agent': 'household-tv/1.0' } });
    expect(res.status).toBe(200);
    const [span] = await waitForSpans(1);
    expect(span!.name).toBe('GET /api/v1/items/:id');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/v1/items/:id',
      'http.response.status_code': 200,
      'url.path': '/api/v1/items/42',
      'url.query': 'expand=1',
      'url.scheme': 'http',
      'user_agent.original': 'household-tv/1.0',
      'client.address': '127.0.0.1',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(server.base).port),
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    // The handler ran inside the span, with its request id beside it.
    expect(seen.at(-1)).toEqual({ traceId: span!.spanContext().traceId, requestId: res.headers.get('x-request-id') });
  });

  it("continues the caller's trace from traceparent", async () => {
    await fetch(`${server.base}/api/v1/items/7`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } });
    const [span] = await waitForSpans(1);
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_ID);
  });

  it('records nothing for a trace the caller did not sample, but still gives the handler its ids', async () => {
    await fetch(`${server.base}/api/v1/items/8`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` } });
    await new Promise((r) => setTimeout(r, 50));
    expect(tracing.spans()).toEqual([]);
    expect(seen.at(-1)?.traceId).toBe(TRACE_ID); // log lines still name the caller's trace
  });

  it('gives an unmatched request the bare method as its name, never the raw path', async () => {
    expect((await fetch(`${server.base}/api/v1/users/123/secret-stuff`)).status).toBe(404);
    const [span] = await waitForSpans(1);
    expect(span!.name).toBe('GET');
    expect(span!.attributes['http.route']).toBeUndefined();
    expect(span!.attributes['http.response.status_code']).toBe(404);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET); // a 4xx is the client's problem, not an error of the server
  });

  it('names a request with a method outside the usual set "HTTP", keeping the method as an attribute', async () => {
    expect((await fetch(`${server.base}/api/v1/items/3`, { method: 'PROPFIND' })).status).toBe(404);
    const [span] = await waitForSpans(1);
    expect(span!.name).toBe('HTTP');
    expect(span!.attributes).toMatchObject({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PROPFIND' });
  });

  it('marks a 500 as an error and keeps the exception the error handler recorded', async () => {
    expect((await fetch(`${server.base}/api/v1/broken/1`)).status).toBe(500);
    const [span] = await waitForSpans(1);
    expect(span!.name).toBe('GET /api/v1/broken/:id');
    expect(span!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: expect.stringContaining('database said no') });
    expect(span!.attributes['error.type']).toBe('500');
    expect(span!.events.map((e) => e.name)).toContain('exception');
  });

  it('ends the span of a request the client gave up on', async () => {
    const controller = new AbortController();
    const pending = fetch(`${server.base}/api/v1/slow`, { signal: controller.signal }).catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    expect(await pending).toBe('aborted');
    const [span] = await waitForSpans(1);
    expect(span!.name).toBe('GET /api/v1/slow');
    expect(span!.attributes['error.type']).toBe('aborted');
    expect(span!.attributes['http.response.status_code']).toBeUndefined();
  });

  it('leaves health probes out', async () => {
    expect((await fetch(`${server.base}/health/live`)).status).toBe(200);
    await fetch(`${server.base}/api/v1/items/9`);
    await waitForSpans(1);
    expect(serverSpansOf().map((s) => s.attributes['url.path'])).toEqual(['/api/v1/items/9']);
  });
});

describe('MediaNest requests under tracing', () => {
  let app: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    app = await createTestApp(); // built after tracing started: the SERVER span middleware is mounted
    server = await listen(app.app);
  });
  afterAll(async () => {
    await server.close();
    await app.cleanup();
  });

  const signIn = (password: string) =>
    fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });

  const exemplarLines = async (endpoint: string) =>
    (await renderMetrics(true)).body
      .split('\n')
      .filter(
        (l) => l.startsWith('medianest_http_request_duration_seconds_bucket') && l.includes(`endpoint="${endpoint}"`) && l.includes('# {'),
      );

  it(`have a database child span per query, from the driver wrapper on both databases (${testMode})`, async () => {
    expect((await signIn(ADMIN_PASSWORD)).status).toBe(200);
    const [login] = await waitForSpans(1, (s) => s.kind === SpanKind.SERVER);
    expect(login!.name).toBe('POST /api/v1/auth/login');
    const queries = tracing.spans().filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(queries.map((s) => s.name)).toEqual(expect.arrayContaining(['SELECT users', 'INSERT sessions']));
    for (const span of queries) {
      expect(span.spanContext().traceId).toBe(login!.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(login!.spanContext().spanId);
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(String(span.attributes['db.query.text'])).not.toContain(ADMIN_PASSWORD);
      // On PostgreSQL the span names the database and its server, as pg's instrumentation did.
      if (testMode === 'services')
        expect(span.attributes).toMatchObject({ 'db.name': expect.any(String), 'server.address': expect.any(String) });
    }
  });

  it('link their latency observation to the trace (an OpenMetrics exemplar with trace_id)', async () => {
    expect((await signIn('wrong-password')).status).toBe(401);
    const [span] = await waitForSpans(1, (s) => s.kind === SpanKind.SERVER);
    expect((await exemplarLines('/api/v1/auth/login')).some((l) => l.includes(`# {trace_id="${span!.spanContext().traceId}"}`))).toBe(true);
  });

  it('give no exemplar for a trace that is not sampled (it would lead nowhere)', async () => {
    const res = await fetch(`${server.base}/api/v1/auth/session`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` } });
    expect(res.status).toBe(401);
    expect(await exemplarLines('/api/v1/auth/session')).toEqual([]);
  });
});
