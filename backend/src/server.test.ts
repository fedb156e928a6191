/**
 * Stopping a web process behind a load balancer: for SHUTDOWN_DRAIN_MS after
 * the stop begins, readiness answers 503 (so the balancer takes the replica
 * out of rotation) while every other request is still served; only then does
 * the process stop accepting.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../test/context';

describe('stopping with a drain', () => {
  it('answers readiness 503 "draining" while still serving, then stops', async () => {
    const s = await startTestServer({ SHUTDOWN_DRAIN_MS: '4000' });
    try {
      expect((await fetch(`${s.baseUrl}/health/ready`)).status).toBe(200);
      const stopped = s.stop();
      const ready = await fetch(`${s.baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'draining' });
      // Everything else is still answered meanwhile.
      expect((await fetch(`${s.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${s.baseUrl}/api/v1/auth/session`)).status).toBe(401);
      await stopped;
      await expect(fetch(`${s.baseUrl}/health/live`)).rejects.toThrow();
    } finally {
      await s.cleanup();
    }
  });
});
