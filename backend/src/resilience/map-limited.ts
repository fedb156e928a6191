/** Bounded concurrency toward an upstream: a list of calls made a few at a time, never all at once. */

/**
 * Runs `work` over `items`, `limit` at a time, keeping their order. The first failure rejects the whole,
 * and no new call starts after it (a failing upstream is not asked again for the rest).
 */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await work(items[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
