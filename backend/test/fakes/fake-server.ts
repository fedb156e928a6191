/**
 * The base of the fake upstreams (plex.tv, Plex, Overseerr): a small HTTP
 * server on 127.0.0.1 that records every request (method, path, query,
 * headers, body), answers through a route table, and can be told to fail,
 * hang, slow down or recover — from a test (`failWith`, `hang`, …) or over
 * HTTP (`POST /__test/fault`, `GET /__test/requests`) for tests in another
 * process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { errorMessage } from '../../src/errors';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

export interface FakeRequest extends RecordedRequest {
  params: Record<string, string>;
}

export interface FakeResponse {
  status: number;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export type Fault =
  | { mode: 'fail'; status: number; body?: unknown; retryAfter?: string }
  | { mode: 'hang' }
  | { mode: 'slow'; delayMs: number }
  | { mode: 'trickle'; delayMs: number }
  | { mode: 'reset' }
  | { mode: 'malformed' };

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: FakeHandler;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): FakeResponse => ({ status, json: body, headers });

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly sockets = new Set<Socket>();
  private fault: Fault | undefined;
  private server: http.Server | undefined;
  private baseUrl = '';

  constructor(readonly name: string) {
    this.route('POST', '/__test/fault', (req) => {
      const body = (req.body ?? {}) as { mode?: string; status?: number; delayMs?: number };
      if (body.mode === 'recover') this.recover();
      else if (body.mode === 'hang') this.hang();
      else if (body.mode === 'slow') this.slow(body.delayMs ?? 1000);
      else if (body.mode === 'trickle') this.trickle(body.delayMs ?? 1000);
      else if (body.mode === 'reset') this.resetMidResponse();
      else if (body.mode === 'malformed') this.malformed();
      else this.failWith(body.status ?? 500);
      return json(200, { ok: true });
    });
    this.route('GET', '/__test/requests', () => json(200, this.requests));
  }

  /** Adds a route; `:name` segments become params. */
  route(method: string, path: string, handler: FakeHandler): void {
    const names: string[] = [];
    const pattern = new RegExp(
      '^' + path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:([A-Za-z]+)/g, (_m, n: string) => (names.push(n), '/([^/]+)')) + '$',
    );
    this.routes.push({ method, pattern, names, handler });
  }

  /** For fakes that serve more than HTTP on the same port (the Plex notification WebSocket). */
  protected attach(_server: http.Server): void {}

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} fake is not started`);
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.attach(this.server);
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Every request (not test hooks) answers `status` until `recover()`. */
  failWith(status = 500, body: unknown = { message: 'Internal Server Error' }, retryAfter?: string): void {
    this.fault = { mode: 'fail', status, body, retryAfter };
  }

  /** Every request is accepted and never answered until `recover()` (or the client gives up). */
  hang(): void {
    this.fault = { mode: 'hang' };
  }

  /** Every request is answered after `delayMs`. */
  slow(delayMs: number): void {
    this.fault = { mode: 'slow', delayMs };
  }

  /** Every request gets its status line and headers at once and the rest of its answer after `delayMs`. */
  trickle(delayMs: number): void {
    this.fault = { mode: 'trickle', delayMs };
  }

  /** Every answer starts (200, headers, the first bytes of the body) and the connection is then reset. */
  resetMidResponse(): void {
    this.fault = { mode: 'reset' };
  }

  /** Every request answers 200 with a JSON content type and a body cut off in the middle. */
  malformed(): void {
    this.fault = { mode: 'malformed' };
  }

  recover(): void {
    this.fault = undefined;
  }

  /** Recorded requests whose path starts with `prefix` (test hooks excluded). */
  requestsTo(prefix: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    let body: unknown = raw.length ? raw.toString('utf8') : undefined;
    const type = String(req.headers['content-type'] ?? '');
    if (raw.length && type.includes('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        // keep the text
      }
    } else if (raw.length && type.includes('application/x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      at: Date.now(),
    };
    const isHook = url.pathname.startsWith('/__test/');
    if (!isHook) this.requests.push(recorded);

    if (!isHook && this.fault) {
      const fault = this.fault;
      if (fault.mode === 'hang') return; // the socket stays open, unanswered
      if (fault.mode === 'fail') {
        send(res, json(fault.status, fault.body, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : undefined));
        return;
      }
      if (fault.mode === 'reset') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '4096' });
        res.write('{"page":1,"results":[{"id":');
        setTimeout(() => res.socket?.resetAndDestroy(), 20);
        return;
      }
      if (fault.mode === 'malformed') {
        send(res, {
          status: 200,
          body: '{"page":1,"totalPages":3,"results":[{"id":603,"mediaType":"mo',
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
        });
        return;
      }
      if (fault.mode === 'trickle') {
        // The head now (the first byte arrives in time), the body near the deadline.
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.flushHeaders();
      }
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }

    for (const route of this.routes) {
      if (route.method !== recorded.method) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      try {
        send(res, await route.handler({ ...recorded, params }));
      } catch (err) {
        send(res, json(500, { message: `${this.name} fake failed: ${errorMessage(err)}` }));
      }
      return;
    }
    send(res, json(404, { message: 'Not found' }));
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, r: FakeResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...r.headers };
  let payload: string | Buffer = '';
  if (r.json !== undefined) {
    payload = JSON.stringify(r.json);
    headers['Content-Type'] ??= 'application/json; charset=utf-8';
  } else if (r.body !== undefined) {
    payload = r.body;
  }
  if (!res.headersSent) res.writeHead(r.status, headers); // a trickled answer sent its head already
  res.end(r.status === 204 ? undefined : payload);
}

/** POSTs JSON to a URL the way a webhook sender does; resolves with the status and body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}
