/**
 * The one rate limiter: fixed windows counted in Redis when it is reachable
 * (so replicas share counts), in process memory otherwise. Besides plain
 * limits it keeps progressive delays: past a number of free failures, each
 * further failure makes the key wait twice as long before its next attempt.
 * Attempts are reserved (counted) before they are checked, and work can be
 * held to one in flight per key, so many attempts sent at the same moment
 * are limited exactly like the same attempts sent one after the other.
 */
import { randomUUID } from 'node:crypto';
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

/**
 * Reserves one attempt under a delay rule, atomically: refused while the key waits (KEYS[2] lives), else
 * counted as a failure in advance (KEYS[1], a fixed window of ARGV[1] ms) and, from the ARGV[2]-th on,
 * starting the wait it earns (ARGV[3] ms × 2^(n − free), at most ARGV[4] ms). Returns [ms still to wait, ms of
 * the wait this attempt started]. Counting before the check is what makes the limit hold when many
 * attempts arrive at once: each one sees the attempts before it.
 */
const RESERVE_SCRIPT = `
local waiting = redis.call('PTTL', KEYS[2])
if waiting > 0 then return {waiting, 0} end
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local free = tonumber(ARGV[2])
if count < free then return {0, 0} end
local delay = math.floor(math.min(tonumber(ARGV[3]) * 2 ^ math.min(count - free, 30), tonumber(ARGV[4])))
redis.call('SET', KEYS[2], '1', 'PX', delay)
return {0, delay}
`;

/** Gives back a reserved attempt that succeeded (KEYS[1] the count; KEYS[2] the wait, cleared when ARGV[1] is "1"). */
const REFUND_SCRIPT = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
if ARGV[1] == '1' then redis.call('DEL', KEYS[2]) end
return 0
`;

/** Releases an in-flight hold (KEYS[1]) only when it is still the holder's (ARGV[1]). */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
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

/** The outcome of reserving an attempt under a delay rule. */
export interface Reservation {
  /** Milliseconds the key must still wait; > 0 means refused (and nothing was counted). */
  waitMs: number;
  /** This attempt started a wait (it was the last free one, or a later one): a refund lifts that wait again. */
  armed: boolean;
}

export interface RateLimiter {
  /** Counts one hit for `key`; throws a 429 AppError when the limit is exceeded. */
  consume(rule: RateLimitRule, key: string): Promise<void>;
  /** Clears the counter (e.g. after a successful login). */
  reset(rule: RateLimitRule | DelayRule, key: string): Promise<void>;
  /**
   * Reserves one attempt for `key` before it is checked, atomically: refused while the key waits,
   * otherwise counted as a failure in advance (starting the wait it earns). An attempt that turns out
   * right is given back with `refund`.
   */
  reserve(rule: DelayRule, key: string): Promise<Reservation>;
  /** Gives back a reserved attempt that succeeded (lifting the wait it started, if any). */
  refund(rule: DelayRule, key: string, reservation: Reservation): Promise<void>;
  /**
   * Holds `key` while one piece of work is in flight (at most `ttlMs`, should the process die holding it).
   * Resolves to the release function, or undefined when someone else holds it now.
   */
  hold(name: string, key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

export function createRateLimiter(redis?: RedisConnection, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  /** In-memory waits: key → the time the wait ends. */
  const waits = new Map<string, number>();
  /** In-memory holds: key → [holder, the time the hold lapses]. */
  const holds = new Map<string, [string, number]>();
  let sweepAt = 0;

  function sweep(t: number): void {
    if (t <= sweepAt) return;
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
    for (const [k, until] of waits) if (until <= t) waits.delete(k);
    for (const [k, [, until]] of holds) if (until <= t) holds.delete(k);
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

  /** Runs `inRedis` when Redis is reachable (untraced: bookkeeping, not worth a span in each trace), `inMemory` otherwise. */
  async function shared<T>(inRedis: (client: RedisConnection['client']) => Promise<T>, inMemory: () => T): Promise<T> {
    if (!redis?.isReady()) return inMemory();
    try {
      return await untraced(() => inRedis(redis.client));
    } catch {
      return inMemory();
    }
  }

  const count = (id: string, rule: { windowSeconds: number }) =>
    shared(
      () => consumeInRedis(id, rule),
      () => consumeInMemory(id, rule),
    );

  function localWait(id: string): number {
    return Math.max(0, (waits.get(id) ?? 0) - now());
  }

  function reserveInMemory(id: string, rule: DelayRule): Reservation {
    const waiting = localWait(id);
    if (waiting > 0) return { waitMs: waiting, armed: false };
    const delay = delayAfter(rule, consumeInMemory(id, rule).count);
    if (delay > 0) waits.set(id, now() + delay);
    return { waitMs: 0, armed: delay > 0 };
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
    async reserve(rule, key) {
      const id = `${rule.name}:${key}`;
      // A wait is kept in memory as well, so a Redis outage does not lift it.
      const waiting = localWait(id);
      if (waiting > 0) return { waitMs: waiting, armed: false };
      if (!redis?.isReady()) return reserveInMemory(id, rule);
      try {
        const args = [rule.windowSeconds * 1000, rule.freeFailures, rule.baseDelaySeconds * 1000, rule.maxDelaySeconds * 1000];
        const [refusedMs, armedMs] = (await untraced(() =>
          redis.client.eval(RESERVE_SCRIPT, 2, `ratelimit:${id}`, `ratelimit:${id}:wait`, ...args),
        )) as [number, number];
        if (Number(armedMs) > 0) waits.set(id, now() + Number(armedMs));
        return { waitMs: Number(refusedMs), armed: Number(armedMs) > 0 };
      } catch {
        // Redis is there but did not answer (a timeout under load, say): the count there is unknown and the
        // attempt may even have been counted. Refused for a second rather than counted afresh in memory,
        // which would hand out a new budget exactly when someone is pushing hardest. (While Redis is away
        // altogether, isReady() is false and the in-memory counters take over.)
        return { waitMs: 1000, armed: false };
      }
    },
    async refund(rule, key, reservation) {
      const id = `${rule.name}:${key}`;
      const w = windows.get(id);
      if (w && w.count > 0) w.count--;
      if (reservation.armed) waits.delete(id);
      if (redis?.isReady()) {
        await untraced(() =>
          redis.client.eval(REFUND_SCRIPT, 2, `ratelimit:${id}`, `ratelimit:${id}:wait`, reservation.armed ? '1' : '0'),
        ).catch(() => undefined);
      }
    },
    async hold(name, key, ttlMs) {
      const id = `${name}:${key}`;
      const holder = randomUUID();
      const holdInMemory = () => {
        const t = now();
        sweep(t);
        const held = holds.get(id);
        if (held && held[1] > t) return undefined;
        holds.set(id, [holder, t + ttlMs]);
        return async () => {
          if (holds.get(id)?.[0] === holder) holds.delete(id);
        };
      };
      return shared(async (client) => {
        const taken = await client.set(`ratelimit:hold:${id}`, holder, 'PX', ttlMs, 'NX');
        if (taken !== 'OK') return undefined;
        return async () => {
          await untraced(() => client.eval(RELEASE_SCRIPT, 1, `ratelimit:hold:${id}`, holder)).catch(() => undefined);
        };
      }, holdInMemory);
    },
  };
}

/** Express middleware limiting by client IP. */
export function rateLimitByIp(limiter: RateLimiter, rule: RateLimitRule) {
  return (req: Request, _res: Response, next: NextFunction) => {
    limiter.consume(rule, req.ip ?? 'unknown').then(() => next(), next);
  };
}
