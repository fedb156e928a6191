/**
 * A stand-in OTLP/HTTP collector for the benchmark: answers every POST with
 * 200 `{}` (what a collector answers to an accepted export) and counts what it
 * received. Runs in its own process so its work is not charged to the load
 * generator. Prints `listening <port>` once ready; GET /stats reports counts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const stats = { exports: 0, bytes: 0 };

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  req.on('data', (chunk: Buffer) => {
    stats.bytes += chunk.length;
  });
  req.on('end', () => {
    stats.exports++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
