/**
 * One measured burst of load with autocannon against a loopback URL, reduced
 * to what the benchmark reports: throughput and latency percentiles. Any
 * non-2xx answer or connection error fails the burst, so a broken cookie or a
 * crashed server can never pass for a fast one.
 */
import autocannon from 'autocannon';

export interface LoadSettings {
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

export async function runLoad(url: string, settings: LoadSettings): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`the benchmark only loads loopback URLs, not ${url}`);
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.seconds,
    headers: settings.headers,
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
