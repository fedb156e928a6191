/**
 * A stand-in Loki for the benchmark: accepts pushes on /loki/api/v1/push
 * (gzipped or plain JSON), answers 204 as Loki does, and counts the lines it
 * received, so the bench can prove that ON shipped its logs. Runs in its own
 * process so its work is not charged to the load generator. Prints
 * `listening <port>` once ready; GET /stats reports counts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

const stats = { pushes: 0, lines: 0, bytes: 0, rejected: 0 };

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    stats.bytes += raw.length;
    try {
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const push = JSON.parse(body.toString('utf8')) as { streams?: { values?: unknown[] }[] };
      for (const stream of push.streams ?? []) stats.lines += stream.values?.length ?? 0;
      stats.pushes++;
      res.writeHead(204).end();
    } catch {
      stats.rejected++;
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad push');
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
