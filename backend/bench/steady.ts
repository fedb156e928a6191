/**
 * Open-loop load at a fixed rate: requests are started on a schedule (not
 * when the previous one answered), and each latency is measured from when the
 * request was due, so a server that falls behind shows it in the percentiles
 * instead of quietly slowing the generator down. Loopback only; bounded in
 * time; any unexpected status or connection error is counted.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../src/errors';

function send(agent: http.Agent, url: string, r: SteadyRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: r.method, headers: r.headers, agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(r.body);
  });
}

export interface SteadyRequest {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Status codes that count as success (default: any 2xx). */
  expect?: (status: number) => boolean;
}

export interface SteadyResult {
  requests: number;
  errors: number;
  /** The first few errors, for the report. */
  errorSamples: string[];
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests per route name. */
  perRoute: Record<string, number>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/**
 * Sends `mix` round-robin at `rate` requests per second for `seconds` against `baseUrl`.
 * `onTick` is called every `tickMs` (e.g. to sample RSS) while the load runs.
 */
export async function steadyLoad(
  baseUrl: string,
  mix: SteadyRequest[],
  options: { rate: number; seconds: number; tickMs?: number; onTick?: (elapsedMs: number) => void | Promise<void> },
): Promise<SteadyResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl)) throw new Error(`the benchmark only loads loopback URLs, not ${baseUrl}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const perRoute: Record<string, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  let sent = 0;
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();

  const fire = (due: number, r: SteadyRequest) => {
    const p = (async () => {
      try {
        const status = await send(agent, `${baseUrl}${r.path}`, r);
        const ok = r.expect ? r.expect(status) : status >= 200 && status < 300;
        if (!ok) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${r.method} ${r.path} → ${status}`);
        }
      } catch (err) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${r.method} ${r.path} → ${errorMessage(err)}`);
      }
      latencies.push(performance.now() - due);
      perRoute[r.name] = (perRoute[r.name] ?? 0) + 1;
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  let nextTick = options.tickMs ?? Infinity;
  while (sent < total) {
    const now = performance.now() - start;
    while (sent < total && sent * interval <= now) {
      fire(start + sent * interval, mix[sent % mix.length]!);
      sent++;
    }
    if (options.onTick && now >= nextTick) {
      await options.onTick(now);
      nextTick += options.tickMs!;
    }
    const wait = Math.max(0, sent * interval - (performance.now() - start));
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 50)));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    errorSamples,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? Number.NaN,
    perRoute,
  };
}
