/**
 * Does the tail sampler keep every trace worth reading? One instance with the
 * sampler at its defaults and full observability, the fake upstreams, and a
 * fault-injecting proxy in front of the fake Overseerr. Media searches at a
 * steady rate, each with a query of its own (so none is served from the
 * cache): 1 % of the queries make Overseerr answer 500 (the request fails),
 * 1 % make it answer after SLOW_MS (the request is slow); the rest are fast
 * and fine. The OTLP sink lists the exported SERVER spans by query string, and
 * every injected error and slow request must be among them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startUpstreams } from '../test/fakes/upstreams';
import { startInstance } from './instances';
import { startOtlpSink } from './sinks';
import { steadyLoad, type SteadyRequest } from './steady';

/** Well over the sampler's default slow threshold (500 ms). */
const SLOW_MS = 700;

export interface ExportedTraces {
  requests: number;
  rate: number;
  injectedErrors: number;
  injectedSlow: number;
  exportedErrors: number;
  exportedSlow: number;
  /** Fast successful requests whose trace was exported (the rate-limited share). */
  exportedRest: number;
  /** Kept traces by sampling reason, as the root spans say. */
  reasons: Record<string, number>;
  p99Ms: number;
  /** Answers other than the expected (500s for the failing searches, 200 for the rest), time-outs included. */
  unexpected: number;
}

const kind = (n: number) => (n % 100 === 37 ? 'err' : n % 100 === 71 ? 'slow' : 'ok');

/** Forwards to `target`, except searches for err-… (500) and slow-… (answered after SLOW_MS). */
async function faultyProxy(target: string): Promise<{ url: string; seen: Set<string>; close(): void }> {
  const upstream = new URL(target);
  const seen = new Set<string>();
  const server = http.createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://proxy').searchParams.get('query') ?? '';
    seen.add(query);
    if (query.startsWith('err-')) {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"injected failure"}');
      return;
    }
    const forward = () => {
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (query.startsWith('slow-')) setTimeout(forward, SLOW_MS);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

export async function measureExportedTraces(
  root: string,
  options: { databaseUrl?: string; redis?: { url: string; keyPrefix: string }; rate: number; seconds: number },
): Promise<ExportedTraces> {
  const upstreams = await startUpstreams();
  const proxy = await faultyProxy(upstreams.overseerr.url);
  const sink = await startOtlpSink({ roots: true });
  let instance: Awaited<ReturnType<typeof startInstance>> | undefined;
  try {
    instance = await startInstance({
      name: 'sampling',
      dataDir: path.join(root, 'sampling'),
      observability: true,
      otlpEndpoint: sink.url,
      databaseUrl: options.databaseUrl,
      redis: options.redis,
      // The sampler at its defaults; spans exported within half a second.
      extraEnv: { ...upstreams.env, OVERSEERR_URL: proxy.url, OTEL_BSP_SCHEDULE_DELAY: '500' },
    });
    const total = Math.round(options.rate * options.seconds);
    const mix: SteadyRequest[] = Array.from({ length: total }, (_, n) => ({
      name: kind(n),
      method: 'GET',
      path: `/api/v1/media/search?q=${kind(n)}-${n}`,
      headers: { cookie: instance!.cookie },
      expect: (status) => (kind(n) === 'err' ? status >= 500 : status === 200),
    }));
    const result = await steadyLoad(instance.baseUrl, mix, { rate: options.rate, seconds: options.seconds });
    // Time-outs on an overloaded machine are reported, not fatal: the check is about the injected requests.
    if (result.errors > 0) process.stdout.write(`sampling run: ${result.errors} unexpected answers (${result.errorSamples.join('; ')})\n`);
    // Stopping flushes what the batch processor holds.
    await instance.stop();
    instance = undefined;
    const stats = await sink.stats();
    const exported = new Set(stats.roots.map((r) => /(?:^|&)q=([^&]*)/.exec(r.query)?.[1]).filter(Boolean));
    const reasons: Record<string, number> = {};
    for (const r of stats.roots) reasons[r.reason || 'none'] = (reasons[r.reason || 'none'] ?? 0) + 1;
    // Injected = the search reached Overseerr (the proxy saw it): a request the load generator gave up on while it
    // still waited for a connection never reached MediaNest, and has no trace to keep.
    const count = (k: string, onlyExported: boolean) =>
      mix.filter((m) => {
        const query = `${k}-${m.path.split('-').pop()}`;
        return m.name === k && (k === 'ok' || proxy.seen.has(query)) && (!onlyExported || exported.has(query));
      }).length;
    return {
      requests: result.requests,
      rate: options.rate,
      injectedErrors: count('err', false),
      injectedSlow: count('slow', false),
      exportedErrors: count('err', true),
      exportedSlow: count('slow', true),
      exportedRest: count('ok', true),
      reasons,
      p99Ms: result.p99Ms,
      unexpected: result.errors,
    };
  } finally {
    await instance?.stop();
    proxy.close();
    sink.stop();
    await upstreams.stop();
  }
}
