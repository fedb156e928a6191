import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie } from '../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../test/context';
import { startUpstreams, type Upstreams } from '../../test/fakes/upstreams';
import { registrySum } from '../../test/metrics-helpers';
import { waitFor } from '../../test/tcp-proxy';

let up: Upstreams;
let t: TestApp;
let admin: string;

beforeAll(async () => {
  up = await startUpstreams();
  t = await createTestApp({
    ...up.env,
    PROMETHEUS_ENABLED: 'true',
    BREAKER_RESET_TIMEOUT_MS: '100',
    UPSTREAM_RETRIES: '0',
  });
  admin = await loginCookie(t.app);
});

afterAll(async () => {
  await t?.cleanup();
  await up?.stop();
});

async function shownVersion(): Promise<string | undefined> {
  const res = await request(t.app).get('/api/v1/admin/observability').set('Cookie', admin);
  expect(res.status).toBe(200);
  return (res.body as { overseerr: { version: string } | null }).overseerr?.version;
}

describe('the Overseerr server MediaNest talks to', () => {
  it('reads its version at start and again when it comes back after an outage, for the Ops page and medianest_overseerr_info', async () => {
    await waitFor(async () => (await shownVersion()) === '1.33.2', 10_000);
    expect(await registrySum('medianest_overseerr_info', { version: '1.33.2' })).toBe(1);

    // Overseerr goes away and comes back upgraded to Seerr 3: the breaker closes and the new version is read.
    // (Members' searches fail until the breaker opens; once it is back, the next search is the trial call that closes it.)
    const search = () => request(t.app).get('/api/v1/media/search?q=matrix').set('Cookie', admin);
    up.overseerr.failWith(503);
    await waitFor(async () => {
      await search();
      return t.container.breakers.stateOf('overseerr') === 'open';
    }, 10_000);
    up.overseerr.statusBody = { ...up.overseerr.statusBody, version: '3.1.0', commitTag: 'f74306e' };
    up.overseerr.recover();
    await waitFor(async () => {
      await search();
      return (await shownVersion()) === '3.1.0';
    }, 10_000);
    expect(await registrySum('medianest_overseerr_info', { version: '3.1.0' })).toBe(1);
    // One series only: the old version is gone.
    expect(await registrySum('medianest_overseerr_info', { version: '1.33.2' })).toBe(0);
  });
});
