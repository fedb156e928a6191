import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerRegistry } from '../resilience/breakers';
import { FakeHttpServer, json } from '../../test/fakes/fake-server';
import { startInMemoryTracing, type InMemoryTracing } from '../../test/in-memory-tracing';
import { HttpClient } from './http-client';

let tracing: InMemoryTracing;
let fake: FakeHttpServer;
let registry: BreakerRegistry;
let http: HttpClient;

beforeAll(async () => {
  tracing = startInMemoryTracing();
  fake = new FakeHttpServer('Plex');
  fake.route('GET', '/library/sections', () => json(200, { MediaContainer: { Directory: [] } }));
  await fake.start();
  registry = new BreakerRegistry();
  http = new HttpClient({
    service: 'plex-api',
    displayName: 'Plex',
    baseUrl: fake.url,
    headers: { 'X-Plex-Token': 'span-secret-token' },
    breaker: registry.get('plex-api'),
    timeoutMs: 1000,
    retries: 2,
    retryBaseDelayMs: 1,
  });
});

afterAll(async () => {
  registry.close();
  await fake.stop();
  await tracing.shutdown();
});

describe('spans of upstream calls', () => {
  it('records one CLIENT span per call with the operation, attempts and status, and no secret', async () => {
    await http.json({ operation: 'listLibraries', path: '/library/sections', query: { 'X-Plex-Token': 'query-secret' } });
    fake.failWith(503);
    await expect(http.json({ operation: 'listLibraries', path: '/library/sections' })).rejects.toMatchObject({ status: 503 });
    fake.recover();

    const spans = tracing.spans().filter((s) => s.name === 'plex-api.listLibraries');
    expect(spans).toHaveLength(2);
    const [ok, failed] = spans;
    expect(ok!.kind).toBe(SpanKind.CLIENT);
    expect(ok!.attributes).toMatchObject({
      'external.service': 'plex-api',
      'external.status': 'success',
      'external.attempts': 1,
      'http.request.method': 'GET',
    });
    expect(failed!.attributes).toMatchObject({ 'external.status': 'server_error', 'external.attempts': 3 });
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    const everything = JSON.stringify(spans.map((s) => ({ attributes: s.attributes, events: s.events, status: s.status })));
    expect(everything).not.toContain('span-secret-token');
    expect(everything).not.toContain('query-secret');
  });
});
