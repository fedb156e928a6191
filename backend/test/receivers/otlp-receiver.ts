/**
 * A stand-in for an OTLP/HTTP trace collector (Jaeger ≥1.35, Tempo) for tests:
 * `POST /v1/traces` in JSON or protobuf (by Content-Type), optionally gzipped
 * (ExportTraceServiceRequest). Spans are flattened to one record each,
 * with attributes as a plain object and the resource attributes alongside.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest } from './otlp-protobuf';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  events: Array<{ name: string; attributes: Record<string, AttributeValue> }>;
  status: { code: number; message?: string };
  resource: Record<string, AttributeValue>;
  scope?: string;
}

export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

export interface OtlpReceiver {
  /** Base URL, what OTEL_EXPORTER_OTLP_ENDPOINT would be. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Every accepted request body as text (JSON, or the decoded protobuf as JSON), for scanning for secrets. */
  readonly bodies: string[];
  /** Content types of the requests received. */
  readonly contentTypes: string[];
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function hexId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // The spec says hex; tolerate base64 (proto3 JSON's default for bytes) from other clients.
  return /^[0-9a-f]+$/i.test(value) ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
}

function anyValue(value: unknown): AttributeValue {
  const v = (value ?? {}) as Json;
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return Boolean(v.boolValue);
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return (((v.arrayValue as Json | undefined)?.values as unknown[]) ?? []).map(anyValue);
  if ('kvlistValue' in v) return attributes((v.kvlistValue as Json | undefined)?.values);
  if ('bytesValue' in v) return String(v.bytesValue);
  return null;
}

function attributes(list: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of (Array.isArray(list) ? list : []) as Json[]) {
    if (typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  }
  return out;
}

function flatten(request: Json): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of (request.resourceSpans as Json[] | undefined) ?? []) {
    const resource = attributes((rs.resource as Json | undefined)?.attributes);
    for (const ss of (rs.scopeSpans as Json[] | undefined) ?? []) {
      const scope = (ss.scope as Json | undefined)?.name;
      for (const s of (ss.spans as Json[] | undefined) ?? []) {
        const status = (s.status as Json | undefined) ?? {};
        spans.push({
          traceId: hexId(s.traceId) ?? '',
          spanId: hexId(s.spanId) ?? '',
          parentSpanId: hexId(s.parentSpanId),
          name: typeof s.name === 'string' ? s.name : '',
          kind: Number(s.kind ?? 0),
          attributes: attributes(s.attributes),
          events: ((s.events as Json[] | undefined) ?? []).map((e) => ({
            name: typeof e.name === 'string' ? e.name : '',
            attributes: attributes(e.attributes),
          })),
          status: { code: Number(status.code ?? 0), ...(typeof status.message === 'string' ? { message: status.message } : {}) },
          resource,
          scope: typeof scope === 'string' ? scope : undefined,
        });
      }
    }
  }
  return spans;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const contentTypes: string[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      contentTypes.push(contentType);
      try {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        if (contentType.startsWith('application/x-protobuf')) {
          const request = decodeTraceRequest(body);
          bodies.push(JSON.stringify(request));
          spans.push(...flatten(request));
          res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
        } else {
          const text = body.toString('utf8');
          bodies.push(text);
          spans.push(...flatten(JSON.parse(text) as Json));
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        }
      } catch (err) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 3, message: String(err) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    contentTypes,
    async waitFor(predicate, timeoutMs = 15_000, what = 'spans') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > deadline) {
          const seen = spans.map((s) => `${s.name}(${s.kind})`).join(', ');
          throw new Error(`OTLP receiver: timed out waiting for ${what}; received: ${seen || 'nothing'}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
