/** Bounded concurrency: never more calls at once than the limit, results in order, and nothing new after a failure. */
import { describe, expect, it } from 'vitest';
import { mapLimited } from './map-limited';

/** Work that records how many calls run at once, each settling on the next turns of the event loop. */
function tracked(fail?: number) {
  const seen = { running: 0, most: 0, started: [] as number[] };
  const work = async (n: number) => {
    seen.started.push(n);
    seen.running += 1;
    seen.most = Math.max(seen.most, seen.running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen.running -= 1;
    if (n === fail) throw new Error(`item ${n} failed`);
    return n * 10;
  };
  return { seen, work };
}

describe('mapLimited', () => {
  it('runs at most `limit` calls at once and keeps the order of the items', async () => {
    const { seen, work } = tracked();
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(await mapLimited(items, 4, work)).toEqual(items.map((n) => n * 10));
    expect(seen.most).toBe(4);
    expect(seen.started).toHaveLength(10);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const { seen, work } = tracked(1);
    await expect(
      mapLimited(
        Array.from({ length: 10 }, (_, i) => i),
        2,
        work,
      ),
    ).rejects.toThrow('item 1 failed');
    // Items 0 and 1 ran together; 2 started when 0 was done; nothing started once 1 had failed.
    expect(seen.started).toEqual([0, 1, 2]);
  });

  it('does nothing for no items', async () => {
    const { seen, work } = tracked();
    expect(await mapLimited([], 4, work)).toEqual([]);
    expect(seen.started).toEqual([]);
  });
});
