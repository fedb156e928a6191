/**
 * Clients on other loopback source addresses (127.0.0.2, 127.0.0.3, …), each over its own keep-alive
 * connections: what a burst from several machines looks like to a server listening on 127.0.0.1.
 */
import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

export interface LoopbackClient {
  readonly address: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  close(): void;
}

export function loopbackClient(baseUrl: string, address: string, maxSockets = 20): LoopbackClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets, localAddress: address });
  return {
    address,
    post(path, body, headers = {}) {
      const payload = JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = http.request(
          new URL(path, baseUrl),
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Answer['body']) : {} });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** The `name=value` pair of a Set-Cookie header of `answer`, if it set that cookie. */
export function setCookie(answer: Answer, name: string): string | undefined {
  const all = ([] as string[]).concat(answer.headers['set-cookie'] ?? []);
  return all.find((c) => c.startsWith(`${name}=`))?.split(';')[0];
}
