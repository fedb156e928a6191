/** Deletes every key under a prefix that a test run or a benchmark created (never anyone else's). */
import { Redis } from 'ioredis';

export async function purgeRedisKeys(url: string, prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete Redis keys without a prefix');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
