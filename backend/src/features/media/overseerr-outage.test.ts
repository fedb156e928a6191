import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circuitBreakerState, externalApiDuration } from '../../observability/metrics/catalog';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';

const OVERSEERR_OPERATIONS = ['status', 'search', 'getMovie', 'getTv', 'createRequest', 'getRequest', 'deleteRequest', 'listUsers'];

let up: Upstreams;
let t: TestApp;
let alice: { id: string; cookie: string };
let searches = 0;

beforeAll(async () => {
  up = await startUpstreams();
  t = await createTestApp({ ...up.env, BREAKER_VOLUME_THRESHOLD: '3', BREAKER_RESET_TIMEOUT_MS: '1500', UPSTREAM_TIMEOUT_MS: '1500' });
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
});

afterAll(async () => {
  await t?.cleanup();
  await up?.stop();
});

/** A search nobody made before, so the cache cannot answer it. */
const search = () =>
  request(t.app)
    .get('/api/v1/media/search')
    .query({ q: `matrix ${++searches}` })
    .set('Cookie', alice.cookie);

async function gauge(): Promise<number | undefined> {
  return (await circuitBreakerState.get()).values.find((v) => v.labels.service === 'overseerr')?.value;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('when Overseerr fails', () => {
  it('answers a clear 503, opens the breaker, fails fast without calling Overseerr, and closes once it is back', async () => {
    expect((await search()).status).toBe(200);
    expect(await gauge()).toBe(0);

    up.overseerr.failWith(500, { message: 'Unable to retrieve search results.' });
    try {
      const failed = await search();
      expect(failed.status).toBe(503);
      expect(failed.body.error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'Overseerr is unavailable right now (it answered 500)',
      });
      expect(failed.headers['retry-after']).toBe('2'); // the breaker's reset timeout (1.5 s), rounded up
      await until(async () => (await gauge()) === 1, 'the breaker to open');

      const before = up.overseerr.requests.length;
      const durations: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await expect(t.container.overseerr!.search('fast fail', 1)).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
        durations.push(performance.now() - started);
      }
      // The median call, robust against one scheduling hiccup on a busy machine.
      expect(durations.sort((a, b) => a - b)[2]).toBeLessThan(50);
      const fast = await search();
      expect(fast.status).toBe(503);
      expect(fast.body.error.message).toBe('Overseerr is unavailable right now (it failed repeatedly; calls are paused for a moment)');
      const create = await request(t.app)
        .post('/api/v1/media/requests')
        .set('Cookie', alice.cookie)
        .send({ mediaType: 'movie', tmdbId: 550 });
      expect(create.status).toBe(503);
      expect(up.overseerr.requests.length).toBe(before); // nothing reached Overseerr
    } finally {
      up.overseerr.recover();
    }
    await until(async () => (await gauge()) === 2, 'the breaker to half-open');
    expect((await search()).status).toBe(200);
    expect(await gauge()).toBe(0);
  });

  it('gives up on a hanging Overseerr after the timeout, without retrying', async () => {
    up.overseerr.hang();
    try {
      const before = up.overseerr.requestsTo('/api/v1/search').length;
      const res = await search();
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe('Overseerr is unavailable right now (no answer within 1.5 s)');
      expect(up.overseerr.requestsTo('/api/v1/search').length).toBe(before + 1);
    } finally {
      up.overseerr.recover();
    }
  });

  it('measured every call under a fixed operation name', async () => {
    const metric = await externalApiDuration.get();
    const overseerr = metric.values.filter((v) => v.labels.service === 'overseerr' && v.metricName?.endsWith('_count'));
    expect(overseerr.length).toBeGreaterThan(0);
    for (const v of overseerr) expect(OVERSEERR_OPERATIONS).toContain(v.labels.operation);
    const statuses = new Set(overseerr.filter((v) => v.labels.operation === 'search').map((v) => v.labels.status));
    expect([...statuses].sort()).toEqual(['rejected', 'server_error', 'success', 'timeout']);
  });
});
