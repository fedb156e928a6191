/**
 * The Ops page's view of the whole cluster without Prometheus: with Redis,
 * every process (web replicas, workers) publishes its own figures — the HTTP
 * minute buckets of the last hour, its circuit breaker states and the jobs it
 * ran — into one Redis hash, field = instance name, every PUBLISH_EVERY_MS.
 * The Ops page reads the hash and adds the figures up, with a per-instance
 * breakdown. An instance that stopped publishing longer than LIVE_WITHIN_MS
 * ago is shown as gone; its traffic still counts in the hour it served, and
 * its entry is dropped after an hour. Without Redis there is one process and
 * the page shows it alone.
 */
import {
  breakerStates as BREAKER_STATES,
  jobStatuses as JOB_STATUSES,
  type BreakerStatus,
  type JobCounts,
  type ProcessRole,
} from '@medianest/contracts';
import { backgroundJobsTotal, circuitBreakerState } from '../../observability/metrics/catalog';
import { logger } from '../../observability/logging/logger';
import { httpOpsWindow, isMinuteBucket, type MinuteBucket } from '../../observability/metrics/ops-window';
import type { RedisConnection } from '../../redis/client';
import { errorMessage } from '../../errors';

export const PUBLISH_EVERY_MS = 10_000;
/** An instance that published within this is live. */
export const LIVE_WITHIN_MS = 3 * PUBLISH_EVERY_MS;
const KEPT_MS = 60 * 60_000;
const HASH_KEY = 'ops:instances';

export { JOB_STATUSES };
export type { JobCounts };

export interface InstanceSnapshot {
  instance: string;
  role: ProcessRole;
  version: string;
  startedAt: number;
  publishedAt: number;
  /** Set when the process stopped on purpose (a restart, a scale-down). */
  stopped: boolean;
  minutes: MinuteBucket[];
  breakers: BreakerStatus[];
  /** Jobs this process ran since it started, per queue. */
  jobs: Record<string, JobCounts>;
}

export const emptyJobCounts = (): JobCounts => ({ queued: 0, active: 0, completed: 0, failed: 0 });

/** This process's circuit breaker states, from the metric the breakers keep. */
export async function breakerStates(): Promise<BreakerStatus[]> {
  const { values } = await circuitBreakerState.get();
  return values
    .map((v) => ({ service: String(v.labels.service), state: BREAKER_STATES[v.value] ?? ('unknown' as const) }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** Jobs this process has counted since it started, per queue and status. */
export async function jobCounts(): Promise<Record<string, JobCounts>> {
  const { values } = await backgroundJobsTotal.get();
  const byQueue: Record<string, JobCounts> = {};
  for (const v of values) {
    const queue = String(v.labels.queue);
    const status = String(v.labels.status) as keyof JobCounts;
    if (!JOB_STATUSES.includes(status)) continue;
    const counts = (byQueue[queue] ??= emptyJobCounts());
    counts[status] += v.value;
  }
  return byQueue;
}

function parseSnapshot(raw: string): InstanceSnapshot | undefined {
  try {
    const v = JSON.parse(raw) as Partial<InstanceSnapshot>;
    if (typeof v.instance !== 'string' || typeof v.publishedAt !== 'number' || typeof v.startedAt !== 'number') return undefined;
    if (!Array.isArray(v.minutes) || !v.minutes.every(isMinuteBucket) || !Array.isArray(v.breakers)) return undefined;
    return {
      instance: v.instance,
      role: v.role === 'web' || v.role === 'worker' ? v.role : 'all',
      version: typeof v.version === 'string' ? v.version : 'unknown',
      startedAt: v.startedAt,
      publishedAt: v.publishedAt,
      stopped: v.stopped === true,
      minutes: v.minutes,
      breakers: v.breakers.filter((b): b is BreakerStatus => typeof b?.service === 'string' && typeof b?.state === 'string'),
      jobs: typeof v.jobs === 'object' && v.jobs !== null ? v.jobs : {},
    };
  } catch {
    return undefined;
  }
}

export class ClusterOps {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly redis: RedisConnection | undefined,
    readonly self: { instance: string; role: InstanceSnapshot['role']; version: string },
  ) {}

  /** This process's figures now. */
  async local(stopped = false): Promise<InstanceSnapshot> {
    const [breakers, jobs] = await Promise.all([breakerStates(), jobCounts()]);
    return {
      ...this.self,
      startedAt: Math.min(this.startedAt, httpOpsWindow.startedAtMs),
      publishedAt: Date.now(),
      stopped,
      minutes: httpOpsWindow.minutes(),
      breakers,
      jobs,
    };
  }

  /** Publishes now and every PUBLISH_EVERY_MS (with Redis; nothing to do without). */
  start(): void {
    if (!this.redis || this.timer) return;
    void this.publish();
    this.timer = setInterval(() => void this.publish(), PUBLISH_EVERY_MS);
    this.timer.unref();
  }

  /** Publishes a last time, marked stopped, so the page shows the instance gone at once. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.publish(true);
  }

  private async publish(stopped = false): Promise<void> {
    const redis = this.redis;
    if (!redis?.isReady()) return;
    try {
      const snapshot = await this.local(stopped);
      await redis.client.hset(HASH_KEY, this.self.instance, JSON.stringify(snapshot));
      await redis.client.pexpire(HASH_KEY, KEPT_MS);
    } catch (err) {
      logger().debug({ event: 'ops.publish_failed', err: errorMessage(err) }, 'Could not publish ops figures');
    }
  }

  /**
   * Every instance's latest figures (this one's fresh), or undefined without Redis or while it cannot answer.
   * Entries older than an hour are removed.
   */
  async cluster(): Promise<InstanceSnapshot[] | undefined> {
    const redis = this.redis;
    if (!redis?.isReady()) return undefined;
    let raw: Record<string, string>;
    try {
      raw = await redis.client.hgetall(HASH_KEY);
    } catch {
      return undefined;
    }
    const now = Date.now();
    const snapshots: InstanceSnapshot[] = [];
    const expired: string[] = [];
    for (const [field, value] of Object.entries(raw)) {
      if (field === this.self.instance) continue;
      const snapshot = parseSnapshot(value);
      if (!snapshot || now - snapshot.publishedAt > KEPT_MS) expired.push(field);
      else snapshots.push(snapshot);
    }
    if (expired.length > 0) await redis.client.hdel(HASH_KEY, ...expired).catch(() => undefined);
    snapshots.push(await this.local());
    return snapshots.sort((a, b) => a.instance.localeCompare(b.instance));
  }
}
