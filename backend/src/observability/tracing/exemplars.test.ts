/**
 * Metric exemplars with the tail sampler in front of the exporter: the latency
 * histogram's exemplar links only to traces that were exported — a failed
 * request's, never a fast request's trace that the sampler dropped.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { captureRouteTemplates, httpMetricsMiddleware } from '../metrics/http-metrics';
import { renderMetrics } from '../metrics/metrics-server';
import { serverSpans } from './server-spans';
import { TailSamplingSpanProcessor } from './tail-sampling';
import { setTraceKeptHook } from './trace';

let tracing: InMemoryTracing;
let server: http.Server;
let base: string;

beforeAll(async () => {
  // Nothing kept for its rate: only errors and slow requests are exported.
  tracing = startInMemoryTracing(undefined, (next) => {
    const sampler = new TailSamplingSpanProcessor(next, { slowMs: 60_000, perSecond: 0, burst: 0 });
    setTraceKeptHook((traceId, fn) => sampler.whenKept(traceId, fn));
    return sampler;
  });
  const app = express();
  app.use(serverSpans());
  captureRouteTemplates(app);
  app.use(httpMetricsMiddleware);
  app.get('/api/v1/exemplar-ok', (_req, res) => void res.json({ ok: true }));
  app.get('/api/v1/exemplar-fails', (_req, res) => void res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'down' } }));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  setTraceKeptHook(undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tracing.shutdown();
});

const exemplarLines = async (endpoint: string) =>
  (await renderMetrics(true)).body
    .split('\n')
    .filter(
      (l) => l.startsWith('medianest_http_request_duration_seconds_bucket') && l.includes(`endpoint="${endpoint}"`) && l.includes('# {'),
    );

async function serverSpanOf(path: string) {
  for (let i = 0; i < 200; i++) {
    const span = tracing.spans().find((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === path);
    if (span) return span;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

describe('exemplars with tail sampling', () => {
  it('point at the exported trace of a failed request', async () => {
    expect((await fetch(`${base}/api/v1/exemplar-fails`)).status).toBe(503);
    const span = await serverSpanOf('/api/v1/exemplar-fails');
    expect(span?.attributes['medianest.sampling.reason']).toBe('error');
    const traceId = span!.spanContext().traceId;
    expect((await exemplarLines('/api/v1/exemplar-fails')).some((l) => l.includes(`# {trace_id="${traceId}"}`))).toBe(true);
  });

  it('are left out for a request whose trace was dropped (it would lead nowhere)', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/api/v1/exemplar-ok`)).status).toBe(200);
    // The metrics record the requests; the traces were dropped, so no exemplar names them.
    const buckets = (await renderMetrics(true)).body.split('\n').filter((l) => l.includes('endpoint="/api/v1/exemplar-ok"'));
    expect(buckets.length).toBeGreaterThan(0);
    expect(await exemplarLines('/api/v1/exemplar-ok')).toEqual([]);
    expect(tracing.spans().some((s) => s.attributes['url.path'] === '/api/v1/exemplar-ok')).toBe(false);
  });
});
