/**
 * One cache interface. With Redis configured, values live in Redis; whenever
 * Redis does not answer, the cache serves from (and writes to) its in-process
 * store instead, so a Redis outage degrades speed, never features. Hits and
 * misses feed medianest_cache_hit_ratio{cache_type="redis"|"memory"}.
 */
import { setGaugeSource } from '../observability/metrics/catalog';
import type { RedisConnection } from '../redis/client';
import { HitRatioWindow } from './hit-ratio';
import { MemoryStore } from './memory-cache';

export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Returns the cached value, or computes, stores and returns it. */
  wrap<T>(key: string, ttlSeconds: number, compute: () => Promise<T>): Promise<T>;
}

export function createCache(redis?: RedisConnection, options: { maxEntries?: number } = {}): Cache {
  const memory = new MemoryStore(options.maxEntries ?? 5000);
  const ratios = { memory: new HitRatioWindow(), redis: new HitRatioWindow() };
  setGaugeSource('medianest_cache_hit_ratio', () => {
    const out = new Map<string, number>();
    for (const [type, window] of Object.entries(ratios)) {
      const r = window.ratio();
      if (r !== undefined) out.set(type, r);
    }
    return out;
  });

  const useRedis = () => redis !== undefined && redis.isReady();

  async function get<T>(key: string): Promise<T | undefined> {
    if (useRedis()) {
      try {
        const raw = await redis!.client.get(`cache:${key}`);
        if (raw === null) {
          ratios.redis.miss();
          return undefined;
        }
        ratios.redis.hit();
        return JSON.parse(raw) as T;
      } catch {
        // fall through to memory
      }
    }
    const raw = memory.get(key);
    if (raw === undefined) {
      ratios.memory.miss();
      return undefined;
    }
    ratios.memory.hit();
    return JSON.parse(raw) as T;
  }

  async function set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const raw = JSON.stringify(value);
    if (useRedis()) {
      try {
        await redis!.client.set(`cache:${key}`, raw, 'PX', Math.round(ttlSeconds * 1000));
        return;
      } catch {
        // fall through to memory
      }
    }
    memory.set(key, raw, ttlSeconds);
  }

  return {
    get,
    set,
    async delete(key) {
      memory.delete(key);
      if (useRedis()) await redis!.client.del(`cache:${key}`).catch(() => undefined);
    },
    async wrap(key, ttlSeconds, compute) {
      const cached = await get<Awaited<ReturnType<typeof compute>>>(key);
      if (cached !== undefined) return cached;
      const value = await compute();
      await set(key, value, ttlSeconds);
      return value;
    },
  };
}
