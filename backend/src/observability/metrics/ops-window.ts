/**
 * In-process rolling HTTP figures for the admin Ops page, so it works with
 * nothing else running (no Prometheus): per-minute buckets of the last hour
 * with request count, 5xx count and a latency histogram, fed by the HTTP
 * metrics middleware. p95 is interpolated inside the histogram bucket, as
 * Prometheus' histogram_quantile does. Buckets of several processes add up
 * (`summarize`, `perMinute`), which is how the Ops page shows a cluster.
 */
import type { MinutePoint, WindowSummary } from '@medianest/contracts';

/** Upper bounds (ms) of the latency buckets; one more bucket holds everything slower. */
const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const MINUTES_KEPT = 60;

export interface MinuteBucket {
  /** Minutes since the epoch. */
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
    return summarize(this.minutes(), windowMinutes, this.now(), this.startedAt);
  }

  /** The buckets of the last hour that saw requests, oldest first (copies). */
  minutes(): MinuteBucket[] {
    const current = Math.floor(this.now() / 60_000);
    return this.buckets
      .filter((b): b is MinuteBucket => b !== undefined && b.minute > current - MINUTES_KEPT && b.minute <= current)
      .sort((a, b) => a.minute - b.minute)
      .map((b) => ({ ...b, latency: [...b.latency] }));
  }

  get startedAtMs(): number {
    return this.startedAt;
  }
}

/** Adds up the minute buckets of several processes, minute by minute. */
export function mergeMinutes(sources: MinuteBucket[][]): MinuteBucket[] {
  const byMinute = new Map<number, MinuteBucket>();
  for (const source of sources) {
    for (const b of source) {
      let sum = byMinute.get(b.minute);
      if (!sum)
        byMinute.set(
          b.minute,
          (sum = { minute: b.minute, requests: 0, serverErrors: 0, latency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0) }),
        );
      sum.requests += b.requests;
      sum.serverErrors += b.serverErrors;
      b.latency.forEach((n, i) => (sum.latency[i]! += n));
    }
  }
  return [...byMinute.values()].sort((a, b) => a.minute - b.minute);
}

/** Figures over the last `windowMinutes` minutes of `buckets`; the rate is over the time covered since `startedAt`. */
export function summarize(buckets: MinuteBucket[], windowMinutes: number, now: number, startedAt: number): WindowSummary {
  const current = Math.floor(now / 60_000);
  const span = Math.min(windowMinutes, MINUTES_KEPT);
  let requests = 0;
  let serverErrors = 0;
  const latency = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  for (const bucket of buckets) {
    if (bucket.minute <= current - span || bucket.minute > current) continue;
    requests += bucket.requests;
    serverErrors += bucket.serverErrors;
    bucket.latency.forEach((n, i) => (latency[i]! += n));
  }
  const coveredSeconds = Math.max(1, Math.min(span * 60, (now - startedAt) / 1000));
  return {
    windowMinutes: span,
    requests,
    requestsPerSecond: Math.round((requests / coveredSeconds) * 1000) / 1000,
    errorRate: requests > 0 ? serverErrors / requests : null,
    p95Ms: requests > 0 ? quantile(latency, 0.95) : null,
  };
}

/** One point per minute of the last hour (minutes without requests included, as zero traffic). */
export function perMinute(buckets: MinuteBucket[], now: number): MinutePoint[] {
  const current = Math.floor(now / 60_000);
  const byMinute = new Map(buckets.map((b) => [b.minute, b]));
  const points: MinutePoint[] = [];
  for (let minute = current - MINUTES_KEPT + 1; minute <= current; minute++) {
    const b = byMinute.get(minute);
    // The current minute is partial: its rate is over the seconds elapsed so far.
    const seconds = minute === current ? Math.max(1, (now - minute * 60_000) / 1000) : 60;
    points.push({
      t: minute * 60,
      requestsPerSecond: b ? Math.round((b.requests / seconds) * 1000) / 1000 : 0,
      errorRate: b && b.requests > 0 ? b.serverErrors / b.requests : null,
      p95Ms: b && b.requests > 0 ? quantile(b.latency, 0.95) : null,
    });
  }
  return points;
}

/** Whether a value read back from elsewhere (another process's snapshot) is a minute bucket. */
export function isMinuteBucket(v: unknown): v is MinuteBucket {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  return (
    Number.isInteger(b.minute) &&
    typeof b.requests === 'number' &&
    typeof b.serverErrors === 'number' &&
    Array.isArray(b.latency) &&
    b.latency.length === LATENCY_BOUNDS_MS.length + 1 &&
    b.latency.every((n) => typeof n === 'number')
  );
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
