/**
 * A TCP proxy for outage tests: forwards a local port to a real service
 * (PostgreSQL, Redis, a fake upstream) and takes the shapes a real outage
 * takes — the shared services themselves are never stopped:
 * - `cut()`: drops every open connection and resets new ones at once;
 * - `refuse()`: nothing listens on the port any more (ECONNREFUSED);
 * - `hang()`: a wedged host — connections are accepted, nothing comes back
 *   (open connections go silent too);
 * - `restore()`: back to forwarding, on the same port.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  url(protocol: string, path?: string): string;
  /** Connections accepted so far (a breaker that fails fast opens none). */
  readonly connections: number;
  /** Drops every open connection and resets new ones until restore(). */
  cut(): void;
  /** Stops listening until restore(): connecting is refused. */
  refuse(): Promise<void>;
  /** Accepts connections and never answers (open ones go silent) until restore(). */
  hang(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

type Mode = 'forward' | 'cut' | 'hang';

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: Mode = 'forward';
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    client.on('error', () => client.destroy());
    if (mode === 'hang') return; // accepted, never answered
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', drop);
    upstream.on('error', drop).on('close', drop);
    // Bytes flow only while forwarding: a hang swallows them in both directions.
    client.on('data', (d: Buffer) => {
      if (mode === 'forward') upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (mode === 'forward') client.write(d);
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const stopListening = () => (server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve());
  return {
    port,
    url: (protocol, path = '') => `${protocol}://127.0.0.1:${port}${path}`,
    get connections() {
      return connections;
    },
    cut() {
      mode = 'cut';
      dropAll();
    },
    async refuse() {
      mode = 'cut';
      const closed = stopListening();
      dropAll();
      await closed;
    },
    hang() {
      mode = 'hang';
    },
    async restore() {
      mode = 'forward';
      if (!server.listening) await listen(port);
    },
    async close() {
      mode = 'cut';
      const closed = stopListening();
      dropAll();
      await closed;
    },
  };
}

/** Polls `probe` until it returns true or the deadline passes; returns the elapsed ms. */
export async function waitFor(probe: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
