/**
 * A stand-in for Loki's push endpoint (`POST /loki/api/v1/push`, JSON, optionally
 * gzipped: `{ streams: [{ stream: labels, values: [[ns, line]] }] }`) for tests. It records every stream
 * and line it accepts, and can be told to fail (answer 503, or stop listening
 * and come back on the same port) to exercise outages.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedLogLine {
  labels: Record<string, string>;
  timestampNs: string;
  line: string;
  /** The line parsed as JSON (our lines are JSON), or undefined. */
  json?: Record<string, unknown>;
  metadata?: Record<string, string>;
}

export interface LokiReceiver {
  /** Base URL, what LOKI_URL would be. */
  readonly url: string;
  readonly port: number;
  /**
   * Lines stored so far, in arrival order. Like Loki, an entry identical to one already stored
   * (same stream, timestamp and line — a push retried after a timeout) is kept once.
   */
  readonly lines: ReceivedLogLine[];
  /** Entries received again and not stored twice. */
  duplicates: number;
  /** Every accepted request body, decoded (for scanning for secrets). */
  readonly bodies: string[];
  /** Push requests answered with an error. */
  rejectedPushes: number;
  /** Answer every push with this status (e.g. 503) until set back to undefined. */
  failWith(status: number | undefined): void;
  /** Stops listening (connections refused) until `resume()`, which listens on the same port again. */
  goDown(): Promise<void>;
  resume(): Promise<void>;
  /** Resolves when `predicate` holds for the received lines; rejects after `timeoutMs`. */
  waitFor(predicate: (lines: ReceivedLogLine[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

interface PushBody {
  streams?: Array<{ stream?: Record<string, string>; values?: Array<[string, string, Record<string, string>?]> }>;
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startLokiReceiver(): Promise<LokiReceiver> {
  const lines: ReceivedLogLine[] = [];
  const bodies: string[] = [];
  const stored = new Set<string>();
  let failStatus: number | undefined;
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/loki/api/v1/push') {
        res.writeHead(404).end('not found');
        return;
      }
      if (failStatus !== undefined) {
        receiver.rejectedPushes++;
        res.writeHead(failStatus, { 'Content-Type': 'text/plain' }).end('failing on purpose');
        return;
      }
      let text: string;
      try {
        const raw = Buffer.concat(chunks);
        text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      } catch {
        res.writeHead(400).end('bad gzip');
        return;
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        res.writeHead(415).end('this receiver takes JSON only');
        return;
      }
      let body: PushBody;
      try {
        body = JSON.parse(text) as PushBody;
      } catch {
        res.writeHead(400).end('invalid JSON');
        return;
      }
      bodies.push(text);
      for (const stream of body.streams ?? []) {
        const labels = stream.stream ?? {};
        for (const [timestampNs, line, metadata] of stream.values ?? []) {
          const key = `${JSON.stringify(labels)}\n${timestampNs}\n${line}`;
          if (stored.has(key)) {
            receiver.duplicates++;
            continue;
          }
          stored.add(key);
          lines.push({ labels, timestampNs, line, json: parseLine(line), metadata });
        }
      }
      res.writeHead(204).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });

  const port = await listen(0);
  const receiver: LokiReceiver = {
    url: `http://127.0.0.1:${port}`,
    port,
    lines,
    bodies,
    rejectedPushes: 0,
    duplicates: 0,
    failWith(status) {
      failStatus = status;
    },
    goDown: stop,
    async resume() {
      await listen(port);
    },
    async waitFor(predicate, timeoutMs = 10_000, what = 'log lines') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(lines)) {
        if (Date.now() > deadline) throw new Error(`Loki receiver: timed out waiting for ${what} (have ${lines.length} lines)`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      if (server.listening) await stop();
    },
  };
  return receiver;
}
