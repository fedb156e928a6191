/**
 * What the fuzz tests share: a seeded pseudo-random source (a failure can be
 * replayed), a bounded-concurrency runner that tallies answers by status,
 * the routes of an Express app read from its router stack (so a new route is
 * fuzzed without anyone listing it), and a raw-socket sender for requests no
 * HTTP client would send (truncated bodies, malformed framing).
 */
import net from 'node:net';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
export function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const word = (n = 8) => 'x_' + Array.from({ length: n }, () => pick([...'abcdefghijklmnopqrstuvwxyz0123456789_'])).join('');
  return { next, int, pick, word };
}

export type Random = ReturnType<typeof random>;

/** Status code → up to five descriptions of the inputs that got it. */
export type StatusTally = Map<number, string[]>;

/** Sends every item with `concurrency` workers; tallies each answer's status with the item's description. */
export async function runAll<T extends { what: string }>(
  items: readonly T[],
  send: (item: T) => Promise<number>,
  concurrency = 16,
): Promise<StatusTally> {
  const statuses: StatusTally = new Map();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const status = await send(item);
        statuses.set(status, [...(statuses.get(status) ?? []), item.what].slice(0, 5));
      }
    }),
  );
  return statuses;
}

/** The statuses outside 4xx, each with the inputs that got it: what a fuzz run must not produce. */
export function outside4xx(statuses: StatusTally): string[] {
  return [...statuses.keys()]
    .sort()
    .filter((c) => c < 400 || c >= 500)
    .map((c) => `${c}: ${statuses.get(c)!.join(' | ')}`);
}

export interface RouteInfo {
  /** Upper-case method, or ALL for app.all / router.all. */
  method: string;
  /** The full template, mount paths included, e.g. /api/v1/admin/users/:id. */
  template: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route of an Express 5 app, with its mount paths (routers are mounted at literal paths). */
export function listRoutes(app: unknown): RouteInfo[] {
  const routes: RouteInfo[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of ([] as unknown[]).concat(layer.route.path)) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on)
              routes.push({
                method: method === '_all' ? 'ALL' : method.toUpperCase(),
                template: `${prefix}${String(path)}`.replace(/\/+$/, '') || '/',
              });
          }
        }
      } else if (layer.handle.stack) {
        for (const mount of ([] as unknown[]).concat(layer.rawPath ?? ''))
          walk(layer.handle.stack, prefix + String(mount).replace(/\/+$/, ''));
      }
    }
  };
  walk((app as { router: { stack: Layer[] } }).router.stack, '');
  return routes;
}

/**
 * Writes `raw` to a TCP connection as is and resolves with the status of the
 * answer (0 when the server closed the connection without one). With
 * `endAfterMs` the client then stops sending (half-closes) after that long, as
 * one whose body was cut short; otherwise it waits for the answer like a
 * normal client (send `Connection: close`).
 */
export function sendRaw(port: number, raw: Buffer | string, options: { endAfterMs?: number } = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve(m ? Number(m[1]) : 0);
    };
    socket.setTimeout(10_000, done);
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (/\r\n\r\n/.test(answer)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => {
      socket.write(raw);
      if (options.endAfterMs !== undefined) setTimeout(() => socket.end(), options.endAfterMs);
    });
  });
}
