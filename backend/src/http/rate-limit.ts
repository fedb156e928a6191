/**
 * The one rate limiter: fixed windows counted in Redis when it is reachable
 * (so replicas share counts), in process memory otherwise. Besides plain
 * limits it keeps progressive delays: past a number of free failures, each
 * further failure makes the key wait twice as long before its next attempt.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';
import { untraced } from '../observability/tracing/trace';
import type { RedisConnection } from '../redis/client';

/** Counts one hit in a fixed window (KEYS[1]; ARGV[1] the window in ms) and returns [count, ms left]. */
const CONSUME_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

export interface RateLimitRule {
  /** Namespace of the counter, e.g. "login-ip". */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** Failures counted per key; from the `freeFailures`-th on, each one makes the key wait base × 2^(n − free) seconds (capped). */
export interface DelayRule {
  /** Namespace of the counter, e.g. "login-client". */
  name: string;
  freeFailures: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** How long failures are remembered after the first one. */
  windowSeconds: number;
}

/** The wait imposed after the `failures`-th failure under `rule`, in milliseconds (0 while still free). */
export function delayAfter(rule: DelayRule, failures: number): number {
  if (failures < rule.freeFailures) return 0;
  const seconds = rule.baseDelaySeconds * 2 ** Math.min(failures - rule.freeFailures, 30);
  return Math.min(seconds, rule.maxDelaySeconds) * 1000;
}

export interface RateLimiter {
  /** Counts one hit for `key`; throws a 429 AppError when the limit is exceeded. */
  consume(rule: RateLimitRule, key: string): Promise<void>;
  /** Clears the counter (e.g. after a successful login). */
  reset(rule: RateLimitRule | DelayRule, key: string): Promise<void>;
  /** Milliseconds `key` must still wait under a delay rule (0 when it may try now). */
  waitFor(rule: DelayRule, key: string): Promise<number>;
  /** Counts one failure for `key`; returns the failures counted and the wait it now imposes. */
  recordFailure(rule: DelayRule, key: string): Promise<{ failures: number; waitMs: number }>;
}

export function createRateLimiter(redis?: RedisConnection, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  /** In-memory waits: key → the time the wait ends. */
  const waits = new Map<string, number>();
  let sweepAt = 0;

  function sweep(t: number): void {
    if (t <= sweepAt) return;
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
    for (const [k, until] of waits) if (until <= t) waits.delete(k);
    sweepAt = t + 60_000;
  }

  function consumeInMemory(id: string, rule: { windowSeconds: number }): { count: number; retryAfterMs: number } {
    const t = now();
    sweep(t);
    let w = windows.get(id);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + rule.windowSeconds * 1000 };
      windows.set(id, w);
    }
    w.count++;
    return { count: w.count, retryAfterMs: w.resetAt - t };
  }

  async function consumeInRedis(id: string, rule: { windowSeconds: number }) {
    // One round trip, atomic: the window's count and how long the window has left.
    const [count, ttl] = (await redis!.client.eval(CONSUME_SCRIPT, 1, `ratelimit:${id}`, rule.windowSeconds * 1000)) as [number, number];
    return { count: Number(count), retryAfterMs: Number(ttl) };
  }

  async function count(id: string, rule: { windowSeconds: number }): Promise<{ count: number; retryAfterMs: number }> {
    if (redis?.isReady()) {
      try {
        // A Redis command on every limited request: bookkeeping, not worth a span in each trace.
        return await untraced(() => consumeInRedis(id, rule));
      } catch {
        return consumeInMemory(id, rule);
      }
    }
    return consumeInMemory(id, rule);
  }

  return {
    async consume(rule, key) {
      const result = await count(`${rule.name}:${key}`, rule);
      if (result.count > rule.limit) throw AppError.rateLimited(result.retryAfterMs / 1000);
    },
    async reset(rule, key) {
      const id = `${rule.name}:${key}`;
      windows.delete(id);
      waits.delete(id);
      if (redis?.isReady()) await redis.client.del(`ratelimit:${id}`, `ratelimit:${id}:wait`).catch(() => undefined);
    },
    async waitFor(rule, key) {
      const id = `${rule.name}:${key}`;
      const local = Math.max(0, (waits.get(id) ?? 0) - now());
      if (!redis?.isReady()) return local;
      try {
        const ttl = await redis.client.pttl(`ratelimit:${id}:wait`);
        return Math.max(local, ttl > 0 ? ttl : 0);
      } catch {
        return local;
      }
    },
    async recordFailure(rule, key) {
      const id = `${rule.name}:${key}`;
      const { count: failures } = await count(id, rule);
      const waitMs = delayAfter(rule, failures);
      if (waitMs > 0) {
        // Kept in memory as well, so a Redis outage does not lift a wait.
        waits.set(id, Math.max(waits.get(id) ?? 0, now() + waitMs));
        if (redis?.isReady()) await redis.client.set(`ratelimit:${id}:wait`, '1', 'PX', waitMs).catch(() => undefined);
      }
      return { failures, waitMs };
    },
  };
}

/** Express middleware limiting by client IP. */
export function rateLimitByIp(limiter: RateLimiter, rule: RateLimitRule) {
  return (req: Request, _res: Response, next: NextFunction) => {
    limiter.consume(rule, req.ip ?? 'unknown').then(() => next(), next);
  };
}
