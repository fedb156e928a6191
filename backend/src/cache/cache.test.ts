import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis } from '../redis/client';
import { createTestApp, testMode, type TestApp } from '../../test/context';
import { freePort } from '../../test/free-port';
import { registryLabelValues, registrySum } from '../../test/metrics-helpers';
import { createCache } from './cache';
import { HitRatioWindow, WINDOW_MINUTES } from './hit-ratio';

const RATIO = 'medianest_cache_hit_ratio';
const ratio = (cacheType: string) => registrySum(RATIO, { cache_type: cacheType });

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  if (t.container.redis) {
    const redis = t.container.redis;
    await vi.waitFor(() => expect(redis.isReady()).toBe(true), { timeout: 5000 });
  }
});
afterAll(() => t?.cleanup());

describe('HitRatioWindow', () => {
  it(`reports hits over lookups for the last ${WINDOW_MINUTES} minutes only`, () => {
    let now = Date.UTC(2030, 0, 1);
    const window = new HitRatioWindow(() => now);
    expect(window.ratio()).toBeUndefined();

    for (let i = 0; i < 9; i++) window.hit();
    window.miss();
    expect(window.ratio()).toBe(0.9);

    now += 3 * 60_000;
    for (let i = 0; i < 10; i++) window.miss();
    expect(window.ratio()).toBe(9 / 20);

    // The first minute's hits leave the window; only the later misses remain.
    now += (WINDOW_MINUTES - 3) * 60_000;
    expect(window.ratio()).toBe(0);

    now += WINDOW_MINUTES * 60_000;
    expect(window.ratio()).toBeUndefined();
  });

  it('keeps memory bounded to the window', () => {
    let now = 0;
    const window = new HitRatioWindow(() => now);
    for (let minute = 0; minute < 1000; minute++) {
      now = minute * 60_000;
      window.hit();
    }
    expect((window as unknown as { slots: Map<number, unknown> }).slots.size).toBeLessThanOrEqual(WINDOW_MINUTES);
    expect(window.ratio()).toBe(1);
  });
});

describe(`cache hit ratio (${testMode})`, () => {
  const cacheType = testMode === 'services' ? 'redis' : 'memory';

  it(`counts a miss and a hit as ratio 0.5 on cache_type="${cacheType}"`, async () => {
    const cache = createCache(t.container.redis);
    const key = `ratio-${Date.now()}`;
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, { title: 'Dune' }, 60);
    expect(await cache.get(key)).toEqual({ title: 'Dune' });
    expect(await ratio(cacheType)).toBe(0.5);
    // Only the cache that served the lookups reports a ratio.
    expect(await registryLabelValues(RATIO, 'cache_type')).toEqual(new Set([cacheType]));
  });

  it('wrap() computes once, then serves hits', async () => {
    const cache = createCache(t.container.redis);
    const compute = vi.fn(async () => ['a', 'b']);
    const key = `wrap-${Date.now()}`;
    for (let i = 0; i < 4; i++) expect(await cache.wrap(key, 60, compute)).toEqual(['a', 'b']);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(await ratio(cacheType)).toBe(0.75);
  });

  it('serves from memory, and reports it as memory, when Redis does not answer', async () => {
    const closed = await freePort();
    const down = connectRedis(`redis://127.0.0.1:${closed}`);
    try {
      const cache = createCache(down);
      const key = `down-${Date.now()}`;
      expect(await cache.get(key)).toBeUndefined();
      await cache.set(key, 42, 60);
      expect(await cache.get(key)).toBe(42);
      expect(await ratio('memory')).toBe(0.5);
      expect(await registryLabelValues(RATIO, 'cache_type')).toEqual(new Set(['memory']));
    } finally {
      await down.close();
    }
  });
});
