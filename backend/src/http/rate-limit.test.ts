import { describe, expect, it } from 'vitest';
import { createRateLimiter, delayAfter, type DelayRule } from './rate-limit';

const rule: DelayRule = { name: 'test-delay', freeFailures: 3, baseDelaySeconds: 2, maxDelaySeconds: 60, windowSeconds: 3600 };

describe('progressive delays', () => {
  it('lets the free failures through, then doubles the wait with each further failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => delayAfter(rule, n) / 1000)).toEqual([0, 0, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('makes a key wait after its failures, leaves other keys alone, and forgets both on reset', async () => {
    let t = 1_000_000;
    const limiter = createRateLimiter(undefined, () => t);
    for (let i = 0; i < 2; i++) expect((await limiter.recordFailure(rule, 'a')).waitMs).toBe(0);
    expect(await limiter.waitFor(rule, 'a')).toBe(0);
    expect(await limiter.recordFailure(rule, 'a')).toEqual({ failures: 3, waitMs: 2000 });
    expect(await limiter.waitFor(rule, 'a')).toBe(2000);
    expect(await limiter.waitFor(rule, 'b')).toBe(0);
    t += 2000;
    expect(await limiter.waitFor(rule, 'a')).toBe(0);
    expect(await limiter.recordFailure(rule, 'a')).toEqual({ failures: 4, waitMs: 4000 });
    t += 1000;
    expect(await limiter.waitFor(rule, 'a')).toBe(3000);
    await limiter.reset(rule, 'a');
    expect(await limiter.waitFor(rule, 'a')).toBe(0);
    expect((await limiter.recordFailure(rule, 'a')).failures).toBe(1);
  });
});
