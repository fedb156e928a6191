/**
 * A stand-in OTLP/HTTP collector for the benchmark: answers every POST with
 * 200 `{}` (what a collector answers to an accepted export) and counts what it
 * received. Runs in its own process so its work is not charged to the load
 * generator. Prints `listening <port>` once ready; GET /stats reports counts.
 * With `--roots` it also reads the OTLP/JSON and lists every exported SERVER
 * span's query string and sampling reason (the tail sampler check).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}
interface OtlpSpan {
  kind?: number;
  attributes?: OtlpAttribute[];
}
interface OtlpBody {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const SERVER = 2;
const collectRoots = process.argv.includes('--roots');
const stats = { exports: 0, bytes: 0, spans: 0, roots: [] as { query: string; reason: string }[] };

function collect(body: string): void {
  const parsed = JSON.parse(body) as OtlpBody;
  for (const resource of parsed.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        stats.spans++;
        if (span.kind !== SERVER) continue;
        const attr = (key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue ?? '';
        stats.roots.push({ query: attr('url.query'), reason: attr('medianest.sampling.reason') });
      }
    }
  }
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    stats.bytes += chunk.length;
    if (collectRoots) chunks.push(chunk);
  });
  req.on('end', () => {
    stats.exports++;
    if (collectRoots) collect(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
