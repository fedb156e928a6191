import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TEST_REDIS_URL, testMode } from '../../test/context';
import { freePort } from '../../test/free-port';
import { registryLabelValues, registrySum } from '../../test/metrics-helpers';
import { connectRedis, type RedisConnection } from './client';

const OPS = 'medianest_redis_operation_duration_seconds';
const ops = (labels: Record<string, string>) => registrySum(OPS, labels, `${OPS}_count`);

describe('Redis command metrics while Redis does not answer', () => {
  it('fails commands fast and records them with status "error"', async () => {
    const redis = connectRedis(`redis://127.0.0.1:${await freePort()}`);
    try {
      const before = await ops({ command: 'get', status: 'error' });
      const started = Date.now();
      await expect(redis.client.get('anything')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await ops({ command: 'get', status: 'error' })).toBe(before + 1);
      await expect(redis.ping(300)).rejects.toThrow();
      expect(redis.isReady()).toBe(false);
    } finally {
      await redis.close();
    }
  });
});

// The services project runs against the machine's Redis; the embedded one has no Redis.
if (testMode === 'services') {
  describe('Redis command metrics against a real Redis', () => {
    const prefix = `mntest:redis-client:${randomBytes(4).toString('hex')}:`;
    let redis: RedisConnection;
    const ready = async (conn: RedisConnection) => vi.waitFor(() => expect(conn.isReady()).toBe(true), { timeout: 5000 });

    afterAll(async () => {
      if (!redis) return;
      await redis.client.del('greeting', 'word', 'counter');
      await redis.close();
    });

    it('observes each command by name and status', async () => {
      redis = connectRedis(TEST_REDIS_URL, { keyPrefix: prefix });
      await ready(redis);
      const before = {
        set: await ops({ command: 'set', status: 'success' }),
        get: await ops({ command: 'get', status: 'success' }),
        incrError: await ops({ command: 'incr', status: 'error' }),
      };
      await redis.client.set('greeting', 'hello');
      expect(await redis.client.get('greeting')).toBe('hello');
      expect(await redis.client.get('missing')).toBeNull();
      await expect(redis.client.incr('greeting')).rejects.toThrow(/not an integer/);

      expect(await ops({ command: 'set', status: 'success' })).toBe(before.set + 1);
      expect(await ops({ command: 'get', status: 'success' })).toBe(before.get + 2);
      expect(await ops({ command: 'incr', status: 'error' })).toBe(before.incrError + 1);
      // Durations land in the catalog's fixed buckets (a loopback GET is well under 0.5 s).
      expect(await registrySum(OPS, { command: 'get', status: 'success', le: '0.5' }, `${OPS}_bucket`)).toBe(before.get + 2);
    });

    it('labels commands outside the known set "other", so the label stays bounded', async () => {
      const before = await ops({ command: 'other', status: 'success' });
      await redis.client.set('word', 'abc');
      expect(await redis.client.strlen('word')).toBe(3);
      expect(await redis.client.getrange('word', 0, 1)).toBe('ab');
      expect(await ops({ command: 'other', status: 'success' })).toBe(before + 2);
      expect(await registryLabelValues(OPS, 'command')).not.toContain('strlen');
    });

    it('observes the commands of a MULTI transaction', async () => {
      const before = { incr: await ops({ command: 'incr', status: 'success' }), pttl: await ops({ command: 'pttl' }) };
      await redis.client.multi().incr('counter').pttl('counter').exec();
      expect(await ops({ command: 'incr', status: 'success' })).toBe(before.incr + 1);
      expect(await ops({ command: 'pttl' })).toBe(before.pttl + 1);
    });

    it('keeps observing after a forced reconnect (the recovery procedure)', async () => {
      await redis.reconnect();
      await ready(redis);
      const before = await ops({ command: 'get', status: 'success' });
      await redis.client.get('greeting');
      expect(await ops({ command: 'get', status: 'success' })).toBe(before + 1);
    });
  });
}
