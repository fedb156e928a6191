/**
 * The one rate limiter: fixed windows counted in Redis when it is reachable
 * (so replicas share counts), in process memory otherwise.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';
import type { RedisConnection } from '../redis/client';

export interface RateLimitRule {
  /** Namespace of the counter, e.g. "login-ip". */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimiter {
  /** Counts one hit for `key`; throws a 429 AppError when the limit is exceeded. */
  consume(rule: RateLimitRule, key: string): Promise<void>;
  /** Clears the counter (e.g. after a successful login). */
  reset(rule: RateLimitRule, key: string): Promise<void>;
}

export function createRateLimiter(redis?: RedisConnection, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweepAt = 0;

  function consumeInMemory(id: string, rule: RateLimitRule): { count: number; retryAfterMs: number } {
    const t = now();
    if (t > sweepAt) {
      for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      sweepAt = t + 60_000;
    }
    let w = windows.get(id);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + rule.windowSeconds * 1000 };
      windows.set(id, w);
    }
    w.count++;
    return { count: w.count, retryAfterMs: w.resetAt - t };
  }

  async function consumeInRedis(id: string, rule: RateLimitRule) {
    const client = redis!.client;
    const key = `ratelimit:${id}`;
    const results = await client.multi().incr(key).pttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    let ttl = Number(results?.[1]?.[1] ?? -1);
    if (ttl < 0) {
      await client.pexpire(key, rule.windowSeconds * 1000);
      ttl = rule.windowSeconds * 1000;
    }
    return { count, retryAfterMs: ttl };
  }

  return {
    async consume(rule, key) {
      const id = `${rule.name}:${key}`;
      let result: { count: number; retryAfterMs: number };
      if (redis?.isReady()) {
        try {
          result = await consumeInRedis(id, rule);
        } catch {
          result = consumeInMemory(id, rule);
        }
      } else {
        result = consumeInMemory(id, rule);
      }
      if (result.count > rule.limit) throw AppError.rateLimited(result.retryAfterMs / 1000);
    },
    async reset(rule, key) {
      const id = `${rule.name}:${key}`;
      windows.delete(id);
      if (redis?.isReady()) await redis.client.del(`ratelimit:${id}`).catch(() => undefined);
    },
  };
}

/** Express middleware limiting by client IP. */
export function rateLimitByIp(limiter: RateLimiter, rule: RateLimitRule) {
  return (req: Request, _res: Response, next: NextFunction) => {
    limiter.consume(rule, req.ip ?? 'unknown').then(() => next(), next);
  };
}
