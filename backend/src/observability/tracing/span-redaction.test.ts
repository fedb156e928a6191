import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { SanitizingSpanExporter } from './span-redaction';

let tracing: InMemoryTracing;
beforeAll(() => {
  tracing = startInMemoryTracing((exporter) => new SanitizingSpanExporter(exporter));
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

describe('SanitizingSpanExporter', () => {
  it('removes secrets from what any instrumentation recorded, before export', () => {
    const span = trace.getTracer('any-instrumentation').startSpan('GET http://plex/x?X-Plex-Token=name-secret', {
      kind: SpanKind.CLIENT,
      attributes: {
        'url.full': 'http://plex:32400/library?X-Plex-Token=url-secret&type=1',
        'url.query': 'X-Plex-Token=query-secret&type=1',
        'http.target': '/api/v1/x?api_key=target-secret',
        'http.request.header.authorization': ['Bearer header-secret'],
        'http.request.header.x-plex-token': ['plex-header-secret'],
        'http.request.header.cookie': 'medianest_session=cookie-secret',
        'db.statement': "select * from users where password_hash = 'hash-secret' and id = 42",
        'db.connection_string': 'postgres://medianest:db-password@db:5432/medianest',
        'http.response.status_code': 200,
        'server.port': 32400,
      },
    });
    span.addEvent('retry', { 'error.message': 'GET http://plex/?X-Plex-Token=event-secret failed' });
    span.recordException(new Error('upstream said no to http://o/api?apikey=exception-secret'));
    span.setStatus({ code: 2, message: 'failed with Authorization: Bearer status-secret-1' });
    span.end();

    const [exported] = tracing.spans();
    const text = JSON.stringify({
      name: exported!.name,
      attributes: exported!.attributes,
      events: exported!.events,
      status: exported!.status,
    });
    for (const secret of [
      'name-secret',
      'url-secret',
      'query-secret',
      'target-secret',
      'header-secret',
      'plex-header-secret',
      'cookie-secret',
      'hash-secret',
      'db-password',
      'event-secret',
      'exception-secret',
      'status-secret-1',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(exported!.attributes).toMatchObject({
      'url.full': 'http://plex:32400/library?X-Plex-Token=[REDACTED]&type=1',
      'url.query': 'X-Plex-Token=[REDACTED]&type=1',
      'http.request.header.authorization': '[REDACTED]',
      'db.statement': 'select * from users where password_hash = ? and id = ?',
      'http.response.status_code': 200,
      'server.port': 32400,
    });
    // Identity and timing are untouched.
    expect(exported!.kind).toBe(SpanKind.CLIENT);
    expect(exported!.spanContext().spanId).toBe(span.spanContext().spanId);
    expect(exported!.duration).toEqual(expect.any(Array));
  });
});
