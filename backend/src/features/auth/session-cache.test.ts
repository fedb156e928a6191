import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app';
import { CacheCoherence, CoherentMap, GENERATION_KEY } from '../../cache/coherence';
import { loadConfig } from '../../config';
import { createContainer, type Container } from '../../container';
import { sessions as sessionsTable } from '../../db/schema';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, prepareTestEnv, testMode, type TestApp, type TestEnv } from '../../../test/context';
import { registrySum } from '../../../test/metrics-helpers';
import { hashToken } from './sessions';

const QUERIES = 'medianest_database_query_duration_seconds';
const selects = (table: string) => registrySum(QUERIES, { operation: 'select', table, status: 'success' }, `${QUERIES}_count`);
const tokenOf = (cookie: string) => decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));

describe(`session and user cache (${testMode})`, () => {
  let t: TestApp;
  // With Redis the cache serves only once connected and subscribed; the first test waits for that.
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.cleanup());

  it('serves repeated authenticated requests without reading sessions or users again', async () => {
    const { cookie } = await createUser(t.app, t.container, 'cached-reader');
    // The first request fills the cache (with Redis, once the invalidation channel is subscribed).
    await vi.waitFor(async () => {
      expect((await request(t.app).get('/api/v1/auth/session').set('cookie', cookie)).status).toBe(200);
      const before = { sessions: await selects('sessions'), users: await selects('users') };
      expect((await request(t.app).get('/api/v1/auth/session').set('cookie', cookie)).status).toBe(200);
      expect(await selects('sessions')).toBe(before.sessions);
      expect(await selects('users')).toBe(before.users);
    });
    for (let i = 0; i < 5; i++) {
      const res = await request(t.app).get('/api/v1/auth/session').set('cookie', cookie);
      expect(res.body.user.username).toBe('cached-reader');
    }
  });

  it('refuses a signed-out session on the very next request', async () => {
    const { cookie } = await createUser(t.app, t.container, 'signs-out');
    for (let i = 0; i < 3; i++) expect((await request(t.app).get('/api/v1/auth/session').set('cookie', cookie)).status).toBe(200);
    expect(
      (await request(t.app).post('/api/v1/auth/logout').set('cookie', cookie).set('x-requested-with', 'XMLHttpRequest')).status,
    ).toBeLessThan(300);
    const after = await request(t.app).get('/api/v1/auth/session').set('cookie', cookie);
    expect(after.status).toBe(401);
  });

  it('sees a disabled account and a changed role on the very next request', async () => {
    const admin = await loginCookie(t.app);
    const member = await createUser(t.app, t.container, 'promoted-then-disabled');
    for (let i = 0; i < 3; i++) {
      expect((await request(t.app).get('/api/v1/admin/users').set('cookie', member.cookie)).status).toBe(403);
    }
    const promote = await request(t.app).patch(`/api/v1/admin/users/${member.id}`).set('cookie', admin).send({ role: 'admin' });
    expect(promote.status).toBe(200);
    expect((await request(t.app).get('/api/v1/admin/users').set('cookie', member.cookie)).status).toBe(200);

    const demote = await request(t.app).patch(`/api/v1/admin/users/${member.id}`).set('cookie', admin).send({ role: 'user' });
    expect(demote.status).toBe(200);
    expect((await request(t.app).get('/api/v1/admin/users').set('cookie', member.cookie)).status).toBe(403);

    const disable = await request(t.app).patch(`/api/v1/admin/users/${member.id}`).set('cookie', admin).send({ enabled: false });
    expect(disable.status).toBe(200);
    expect((await request(t.app).get('/api/v1/auth/session').set('cookie', member.cookie)).status).toBe(401);
  });

  it('never stores a value read before an invalidation that completed before the store', async () => {
    const coherence = new CacheCoherence(t.container.redis, t.config.REDIS_KEY_PREFIX);
    coherence.start();
    try {
      const map = new CoherentMap<string>(coherence, { maxEntries: 10, ttlMs: 60_000 });
      const ready = async () => {
        const ticket = await coherence.sync();
        expect(ticket).toBeDefined();
        return ticket;
      };
      await vi.waitFor(ready);
      // A lookup syncs and reads the old value; meanwhile the value is invalidated; then the lookup stores.
      const ticket = await ready();
      await coherence.invalidate(['session:raced']);
      map.set('raced', 'old value', ['session:raced'], ticket);
      expect(map.get('raced', await ready())).toBeUndefined();
      // Without a racing invalidation the value is stored and served.
      const fresh = await ready();
      map.set('raced', 'new value', ['session:raced'], fresh);
      expect(map.get('raced', await ready())).toBe('new value');
    } finally {
      await coherence.close();
    }
  });
});

/** Two processes' worth of MediaNest (two containers) on one PostgreSQL database and one Redis prefix. */
describe('two replicas sharing PostgreSQL and Redis', () => {
  let env: TestEnv;
  let a: Container;
  let b: Container;
  let appA: ReturnType<typeof buildApp>;
  let appB: ReturnType<typeof buildApp>;

  beforeAll(async () => {
    env = await prepareTestEnv({}, 'services');
    a = await createContainer(loadConfig(env.env));
    await a.auth.ensureAdmin('admin', env.env.ADMIN_PASSWORD);
    b = await createContainer(loadConfig(env.env));
    appA = buildApp(a);
    appB = buildApp(b);
    for (const c of [a, b]) await vi.waitFor(() => expect(c.redis!.isReady()).toBe(true), { timeout: 5000 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await env?.cleanup();
  });

  /** Signs in on A and warms B's cache with the session (B then answers without the database). */
  async function signedInEverywhere(username: string): Promise<{ id: string; cookie: string }> {
    const user = await createUser(appA, a, username);
    await vi.waitFor(async () => {
      expect((await request(appB).get('/api/v1/auth/session').set('cookie', user.cookie)).status).toBe(200);
      const before = await selects('sessions');
      expect((await request(appB).get('/api/v1/auth/session').set('cookie', user.cookie)).status).toBe(200);
      expect(await selects('sessions')).toBe(before);
    });
    return user;
  }

  it('a session signed out on one replica is refused on the very next request to the other, every time', async () => {
    for (let i = 0; i < 10; i++) {
      const { cookie } = await signedInEverywhere(`replica-${i}`);
      expect(
        (await request(appA).post('/api/v1/auth/logout').set('cookie', cookie).set('x-requested-with', 'XMLHttpRequest')).status,
      ).toBeLessThan(300);
      expect((await request(appB).get('/api/v1/auth/session').set('cookie', cookie)).status).toBe(401);
    }
  });

  it('an account disabled on one replica is refused on the other at once', async () => {
    const member = await signedInEverywhere('replica-disabled');
    const admin = await loginCookie(appA);
    expect((await request(appA).patch(`/api/v1/admin/users/${member.id}`).set('cookie', admin).send({ enabled: false })).status).toBe(200);
    expect((await request(appB).get('/api/v1/auth/session').set('cookie', member.cookie)).status).toBe(401);
  });

  it('refuses a revoked session even when the invalidation message has not arrived yet', async () => {
    const { cookie } = await signedInEverywhere('replica-lagging-message');
    // A revocation whose announcement is still in flight: the database changed and the generation
    // moved on, but no message was delivered to B.
    await a.database.db
      .update(sessionsTable)
      .set({ revokedAt: new Date() })
      .where(eq(sessionsTable.id, hashToken(tokenOf(cookie))));
    await a.redis!.client.incr(GENERATION_KEY);
    expect((await request(appB).get('/api/v1/auth/session').set('cookie', cookie)).status).toBe(401);
  });

  it('serves from the database, never from the cache, while Redis is unreachable', async () => {
    const { cookie } = await signedInEverywhere('replica-redis-down');
    b.redis!.client.disconnect(); // B loses Redis (reconnects by itself later)
    await a.sessions.revoke(tokenOf(cookie));
    expect((await request(appB).get('/api/v1/auth/session').set('cookie', cookie)).status).toBe(401);
    await b.redis!.reconnect();
  });
});
