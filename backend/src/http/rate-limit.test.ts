import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/context';
import { createRateLimiter, delayAfter, type DelayRule } from './rate-limit';

const rule: DelayRule = { name: 'test-delay', freeFailures: 3, baseDelaySeconds: 2, maxDelaySeconds: 60, windowSeconds: 3600 };

describe('progressive delays', () => {
  it('lets the free failures through, then doubles the wait with each further failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => delayAfter(rule, n) / 1000)).toEqual([0, 0, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('counts reserved attempts, makes a key wait once they earn it, leaves other keys alone, and forgets both on reset', async () => {
    let t = 1_000_000;
    const limiter = createRateLimiter(undefined, () => t);
    for (let i = 0; i < 2; i++) expect(await limiter.reserve(rule, 'a')).toEqual({ waitMs: 0, armed: false });
    // The third attempt may go ahead, and starts the wait for the next one.
    expect(await limiter.reserve(rule, 'a')).toEqual({ waitMs: 0, armed: true });
    expect(await limiter.reserve(rule, 'a')).toEqual({ waitMs: 2000, armed: false });
    expect((await limiter.reserve(rule, 'b')).waitMs).toBe(0);
    t += 2000;
    expect(await limiter.reserve(rule, 'a')).toEqual({ waitMs: 0, armed: true });
    t += 1000;
    expect((await limiter.reserve(rule, 'a')).waitMs).toBe(3000);
    await limiter.reset(rule, 'a');
    expect(await limiter.reserve(rule, 'a')).toEqual({ waitMs: 0, armed: false });
  });

  it('gives back an attempt that succeeded, lifting the wait it started', async () => {
    const limiter = createRateLimiter(undefined, () => 5_000_000);
    await limiter.reserve(rule, 'c');
    await limiter.reserve(rule, 'c');
    const third = await limiter.reserve(rule, 'c');
    expect(third.armed).toBe(true);
    await limiter.refund(rule, 'c', third);
    // As if the right password had never been counted: the third attempt is free again.
    expect(await limiter.reserve(rule, 'c')).toEqual({ waitMs: 0, armed: true });
  });
});

describe('under concurrency (in process, or in Redis in the services project)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.cleanup());

  it('lets exactly the free attempts through when a hundred arrive at once', async () => {
    const burst = await Promise.all(Array.from({ length: 100 }, () => t.container.limiter.reserve(rule, 'burst')));
    expect(burst.filter((r) => r.waitMs === 0)).toHaveLength(rule.freeFailures);
    expect(burst.filter((r) => r.armed)).toHaveLength(1);
    expect(burst.filter((r) => r.waitMs > 0)).toHaveLength(100 - rule.freeFailures);
  });

  it('holds a key for one piece of work at a time, and frees it on release', async () => {
    const holds = await Promise.all(Array.from({ length: 50 }, () => t.container.limiter.hold('test-hold', 'k', 30_000)));
    const granted = holds.filter((release) => release !== undefined);
    expect(granted).toHaveLength(1);
    expect(await t.container.limiter.hold('test-hold', 'k', 30_000)).toBeUndefined();
    // Another key is not held by this one.
    const other = await t.container.limiter.hold('test-hold', 'other', 30_000);
    expect(other).toBeDefined();
    await granted[0]!();
    const again = await t.container.limiter.hold('test-hold', 'k', 30_000);
    expect(again).toBeDefined();
    await again!();
    await other!();
  });
});
