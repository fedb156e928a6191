import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../observability/metrics/catalog';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../test/context';
import { createUser, loginCookie } from '../../test/auth-helpers';
import { SESSION_COOKIE, SessionStore } from './sessions';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.cleanup());

async function sessionsActive(): Promise<number> {
  // Other apps built in this file register their own store; read this one's.
  t.container.sessions.registerMetrics();
  const m = await register.getSingleMetric('medianest_user_sessions_active')!.get();
  return m.values[0]?.value ?? 0;
}

describe('local sign-in', () => {
  it('signs in with the right password and sets an httpOnly, SameSite=Lax session cookie', async () => {
    const res = await request(t.app).post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', enabled: true });
    expect(res.body.user.passwordHash).toBeUndefined();
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // Plain http (a LAN install): the cookie must not be Secure or the browser would drop it.
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: 'loopback' });
    try {
      const res = await request(proxied.app)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-Proto', 'https')
        .send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(res.status).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/Secure/);
      // Without a trusted proxy, the header is not believed.
      const direct = await request(t.app)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-Proto', 'https')
        .send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(String(direct.headers['set-cookie'])).not.toMatch(/Secure/);
    } finally {
      await proxied.cleanup();
    }
  });

  it('rejects a wrong password and an unknown user with the same 401', async () => {
    const wrong = await request(t.app).post('/api/v1/auth/login').send({ username: 'admin', password: 'nope-nope' });
    const unknown = await request(t.app).post('/api/v1/auth/login').send({ username: 'ghost', password: 'nope-nope' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Wrong username or password' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('rejects a malformed body with 400 naming the field', async () => {
    const res = await request(t.app).post('/api/v1/auth/login').send({ username: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'password' })]);
  });

  it('rate limits repeated attempts on one username with 429 and Retry-After', async () => {
    await createUser(t.app, t.container, 'bob', { password: 'bob-password' });
    let last: request.Response | undefined;
    for (let i = 0; i < 11; i++) {
      last = await request(t.app).post('/api/v1/auth/login').send({ username: 'bob', password: 'wrong-password' });
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.body.error.code).toBe('RATE_LIMITED');
    // Even the right password is refused while limited.
    const right = await request(t.app).post('/api/v1/auth/login').send({ username: 'bob', password: 'bob-password' });
    expect(right.status).toBe(429);
  });

  it('rate limits one IP across usernames', async () => {
    const limited = await createTestApp();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) {
        const res = await request(limited.app).post('/api/v1/auth/login').send({ username: `user${i}`, password: 'x' });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(statuses[30]).toBe(429);
    } finally {
      await limited.cleanup();
    }
  });
});

describe('sessions', () => {
  it('reports the session, then forgets it after logout', async () => {
    const cookie = await loginCookie(t.app);
    const before = await request(t.app).get('/api/v1/auth/session').set('Cookie', cookie);
    expect(before.status).toBe(200);
    expect(before.body.user.username).toBe('admin');

    const activeBefore = await sessionsActive();
    const out = await request(t.app).post('/api/v1/auth/logout').set('Cookie', cookie);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
    expect(await sessionsActive()).toBe(activeBefore - 1);

    const after = await request(t.app).get('/api/v1/auth/session').set('Cookie', cookie);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('expires sessions after their lifetime', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const store = new SessionStore(t.container.database, 60_000, () => now);
    const { id } = await createUser(t.app, t.container, 'carol');
    const { token } = await store.create(id, {});
    expect(await store.resolve(token)).toBeDefined();
    now = new Date(now.getTime() + 61_000);
    expect(await store.resolve(token)).toBeUndefined();
  });

  it('counts active sessions from the store at scrape time', async () => {
    const before = await sessionsActive();
    await loginCookie(t.app);
    await loginCookie(t.app);
    expect(await sessionsActive()).toBe(before + 2);
  });

  it('signs out a disabled user everywhere', async () => {
    const admin = await loginCookie(t.app);
    const dave = await createUser(t.app, t.container, 'dave');
    const res = await request(t.app).patch(`/api/v1/admin/users/${dave.id}`).set('Cookie', admin).send({ enabled: false });
    expect(res.status).toBe(200);
    expect(res.body.user.enabled).toBe(false);
    expect((await request(t.app).get('/api/v1/auth/session').set('Cookie', dave.cookie)).status).toBe(401);
    const again = await request(t.app).post('/api/v1/auth/login').send({ username: 'dave', password: 'dave-password' });
    expect(again.status).toBe(403);
  });
});

describe('admin guard', () => {
  it('answers 401 without a session and 403 for a non-admin', async () => {
    expect((await request(t.app).get('/api/v1/admin/users')).status).toBe(401);
    const erin = await createUser(t.app, t.container, 'erin');
    const res = await request(t.app).get('/api/v1/admin/users').set('Cookie', erin.cookie);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const patch = await request(t.app).patch(`/api/v1/admin/users/${erin.id}`).set('Cookie', erin.cookie).send({ role: 'admin' });
    expect(patch.status).toBe(403);
  });

  it('lets an admin list users and promote one', async () => {
    const admin = await loginCookie(t.app);
    const frank = await createUser(t.app, t.container, 'frank');
    const list = await request(t.app).get('/api/v1/admin/users').set('Cookie', admin);
    expect(list.status).toBe(200);
    expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', 'frank']));
    const promoted = await request(t.app).patch(`/api/v1/admin/users/${frank.id}`).set('Cookie', admin).send({ role: 'admin' });
    expect(promoted.body.user.role).toBe('admin');
    const nowAdmin = await request(t.app).get('/api/v1/admin/users').set('Cookie', frank.cookie);
    expect(nowAdmin.status).toBe(200);
  });

  it('refuses bad patches with 400 and unknown users with 404', async () => {
    const admin = await loginCookie(t.app);
    const bad = await request(t.app).patch('/api/v1/admin/users/whatever').set('Cookie', admin).send({ role: 'god' });
    expect(bad.status).toBe(400);
    const missing = await request(t.app).patch('/api/v1/admin/users/whatever').set('Cookie', admin).send({ role: 'user' });
    expect(missing.status).toBe(404);
  });
});
