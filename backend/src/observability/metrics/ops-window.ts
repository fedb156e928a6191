/**
 * In-process rolling HTTP figures for the admin Ops page, so it works with
 * nothing else running (no Prometheus): per-minute buckets of the last hour
 * with request count, 5xx count and a latency histogram, fed by the HTTP
 * metrics middleware. p95 is interpolated inside the histogram bucket, as
 * Prometheus' histogram_quantile does.
 */
import type { WindowSummary } from '@medianest/contracts';

/** Upper bounds (ms) of the latency buckets; one more bucket holds everything slower. */
const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const MINUTES_KEPT = 60;

interface MinuteBucket {
  minute: number;
  requests: number;
  serverErrors: number;
  latency: number[];
}

export class OpsWindow {
  private readonly buckets: (MinuteBucket | undefined)[] = new Array<MinuteBucket | undefined>(MINUTES_KEPT).fill(undefined);
  private readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  record(seconds: number, statusCode: number): void {
    const minute = Math.floor(this.now() / 60_000);
    const slot = minute % MINUTES_KEPT;
    let bucket = this.buckets[slot];
    if (!bucket || bucket.minute !== minute) {
      bucket = { minute, requests: 0, serverErrors: 0, latency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0) };
      this.buckets[slot] = bucket;
    }
    bucket.requests++;
    if (statusCode >= 500 && statusCode <= 599) bucket.serverErrors++;
    const ms = seconds * 1000;
    let i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
    if (i === -1) i = LATENCY_BOUNDS_MS.length;
    bucket.latency[i]!++;
  }

  /** Figures over the last `windowMinutes` minutes (the current, partial minute included). */
  summary(windowMinutes: number): WindowSummary {
    const now = this.now();
    const current = Math.floor(now / 60_000);
    const span = Math.min(windowMinutes, MINUTES_KEPT);
    let requests = 0;
    let serverErrors = 0;
    const latency = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    for (const bucket of this.buckets) {
      if (!bucket || bucket.minute <= current - span || bucket.minute > current) continue;
      requests += bucket.requests;
      serverErrors += bucket.serverErrors;
      bucket.latency.forEach((n, i) => (latency[i]! += n));
    }
    const coveredSeconds = Math.max(1, Math.min(span * 60, (now - this.startedAt) / 1000));
    return {
      windowMinutes: span,
      requests,
      requestsPerSecond: Math.round((requests / coveredSeconds) * 1000) / 1000,
      errorRate: requests > 0 ? serverErrors / requests : null,
      p95Ms: requests > 0 ? quantile(latency, 0.95) : null,
    };
  }
}

function quantile(counts: number[], q: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (cumulative + n >= rank && n > 0) {
      if (i === LATENCY_BOUNDS_MS.length) return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BOUNDS_MS[i]!;
      return Math.round((lower + ((upper - lower) * (rank - cumulative)) / n) * 10) / 10;
    }
    cumulative += n;
  }
  return 0;
}

/** The process's window, fed by http-metrics.ts. */
export const httpOpsWindow = new OpsWindow();
