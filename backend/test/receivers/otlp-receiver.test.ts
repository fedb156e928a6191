/**
 * The OTLP test receiver reads both encodings the same way: spans serialized
 * by OpenTelemetry's own serializers as JSON and as protobuf (gzipped or not)
 * come out identical.
 */
import { gzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInMemoryTracing, type InMemoryTracing } from '../in-memory-tracing';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';

let tracing: InMemoryTracing;
let receiver: OtlpReceiver;
beforeAll(async () => {
  tracing = startInMemoryTracing();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
  await tracing.shutdown();
});

async function post(body: Uint8Array, contentType: string, gzip = false): Promise<ReceivedSpan[]> {
  const before = receiver.spans.length;
  const res = await fetch(`${receiver.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    body: gzip ? gzipSync(body) : Buffer.from(body),
  });
  expect(res.status).toBe(200);
  return receiver.spans.slice(before);
}

describe('OTLP test receiver', () => {
  it('decodes protobuf and JSON requests to the same spans', async () => {
    const tracer = trace.getTracer('receiver-test', '1.0.0');
    tracer.startActiveSpan(
      'parent',
      { kind: SpanKind.SERVER, attributes: { 'http.route': '/x', 'http.response.status_code': 200 } },
      (parent) => {
        const child = tracer.startSpan('child', {
          kind: SpanKind.CLIENT,
          attributes: { ratio: 0.5, ok: true, tags: ['a', 'b'], count: -3 },
        });
        child.recordException(new Error('boom'));
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'bad' });
        child.end();
        parent.end();
      },
    );
    const spans = tracing.spans();
    const json = await post(JsonTraceSerializer.serializeRequest(spans)!, 'application/json');
    const protobuf = await post(ProtobufTraceSerializer.serializeRequest(spans)!, 'application/x-protobuf');
    const gzipped = await post(ProtobufTraceSerializer.serializeRequest(spans)!, 'application/x-protobuf', true);

    expect(protobuf).toEqual(json);
    expect(gzipped).toEqual(json);
    const child = json.find((s) => s.name === 'child')!;
    const parent = json.find((s) => s.name === 'parent')!;
    expect(child).toMatchObject({
      kind: 3,
      parentSpanId: parent.spanId,
      traceId: parent.traceId,
      attributes: { ratio: 0.5, ok: true, tags: ['a', 'b'], count: -3 },
      status: { code: 2, message: 'bad' },
      scope: 'receiver-test',
    });
    expect(child.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.message': 'boom' } });
    expect(parent).toMatchObject({ kind: 2, attributes: { 'http.route': '/x', 'http.response.status_code': 200 } });
    expect(parent.parentSpanId).toBeUndefined();
    expect(parent.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
