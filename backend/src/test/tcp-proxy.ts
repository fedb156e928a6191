/**
 * A TCP proxy for outage tests: forwards a local port to a real service
 * (PostgreSQL, Redis) and can cut every connection and refuse new ones, then
 * restore — the shared services themselves are never stopped.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  url(protocol: string, path?: string): string;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    down = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port,
    url: (protocol, path = '') => `${protocol}://127.0.0.1:${port}${path}`,
    cut,
    restore() {
      down = false;
    },
    close() {
      cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
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
