import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../observability/metrics/catalog';
import { captureLogs, registrySum } from '../../../test/metrics-helpers';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../../test/context';
import { createUser, loginCookie } from '../../../test/auth-helpers';
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
        const res = await request(limited.app)
          .post('/api/v1/auth/login')
          .send({ username: `user${i}`, password: 'x' });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(statuses[30]).toBe(429);
    } finally {
      await limited.cleanup();
    }
  });
});

describe('brute force against one account', () => {
  const signIn = (app: TestApp['app'], ip: string, password: string, cookie?: string, username = 'admin') => {
    const req = request(app).post('/api/v1/auth/login').set('X-Forwarded-For', ip);
    if (cookie) req.set('Cookie', cookie);
    return req.send({ username, password });
  };

  it('does not lock the owner out: a browser that signed in before keeps access while others are slowed down', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: 'loopback' });
    try {
      // The owner signed in from this browser last week: it holds the known-device cookie.
      const first = await signIn(proxied.app, '10.0.0.5', ADMIN_PASSWORD);
      expect(first.status).toBe(200);
      const device = ([] as string[]).concat(first.headers['set-cookie'] ?? []).find((c) => c.startsWith('medianest_device='));
      expect(device).toBeDefined();
      const deviceCookie = device!.split(';')[0]!;

      // An attacker hammers "admin" from one address, then from many.
      const attacker: number[] = [];
      for (let i = 0; i < 12; i++) attacker.push((await signIn(proxied.app, '10.6.6.6', `guess-${i}`)).status);
      expect(attacker.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(attacker.slice(5).every((s) => s === 429)).toBe(true);
      for (let i = 0; i < 12; i++) await signIn(proxied.app, `10.7.0.${i + 1}`, `guess-${i}`);

      // Even the right password is refused to the attacker's client and to a never-seen client...
      const attackerRight = await signIn(proxied.app, '10.6.6.6', ADMIN_PASSWORD);
      expect(attackerRight.status).toBe(429);
      expect(Number(attackerRight.headers['retry-after'])).toBeGreaterThan(0);
      expect((await signIn(proxied.app, '10.8.8.8', ADMIN_PASSWORD)).status).toBe(429);
      // ...but the owner's browser signs in, from home or from anywhere else.
      expect((await signIn(proxied.app, '10.0.0.5', ADMIN_PASSWORD, deviceCookie)).status).toBe(200);
      expect((await signIn(proxied.app, '10.9.9.9', ADMIN_PASSWORD, deviceCookie)).status).toBe(200);
      // A device cookie only vouches for the account it was issued for, and cannot be forged.
      await createUser(proxied.app, proxied.container, 'mallory', { password: 'mallory-password' });
      const forged = deviceCookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      expect((await signIn(proxied.app, '10.8.8.8', ADMIN_PASSWORD, forged)).status).toBe(429);
    } finally {
      await proxied.cleanup();
    }
  });

  it('slows down a client after five failures without slowing down the rest of the household', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: 'loopback' });
    try {
      await createUser(proxied.app, proxied.container, 'henry', { password: 'henry-password' });
      for (let i = 0; i < 5; i++) expect((await signIn(proxied.app, '10.1.1.1', 'nope-nope', undefined, 'henry')).status).toBe(401);
      const limited = await signIn(proxied.app, '10.1.1.1', 'henry-password', undefined, 'henry');
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      // Another client of the same household is not slowed down by this one.
      expect((await signIn(proxied.app, '10.1.1.2', 'henry-password', undefined, 'henry')).status).toBe(200);
    } finally {
      await proxied.cleanup();
    }
  });

  it('logs failed sign-ins and 429s with the client IP and the normalised username, and counts them by reason', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: 'loopback' });
    const logs = captureLogs('info');
    try {
      const wrongBefore = await registrySum('medianest_auth_failures_total', { reason: 'wrong_password' });
      const unknownBefore = await registrySum('medianest_auth_failures_total', { reason: 'unknown_user' });
      const throttledBefore = await registrySum('medianest_auth_failures_total', { reason: 'throttled' });
      for (let i = 0; i < 6; i++) await signIn(proxied.app, '10.2.2.2', 'secret-guess-42', undefined, '  ADMIN ');
      await signIn(proxied.app, '10.2.2.3', 'secret-guess-43', undefined, 'Nobody');
      expect(await registrySum('medianest_auth_failures_total', { reason: 'wrong_password' })).toBe(wrongBefore + 5);
      expect(await registrySum('medianest_auth_failures_total', { reason: 'unknown_user' })).toBe(unknownBefore + 1);
      expect(await registrySum('medianest_auth_failures_total', { reason: 'throttled' })).toBe(throttledBefore + 1);

      const failures = logs.lines.filter((l) => l.event === 'auth.failure');
      expect(failures).toContainEqual(
        expect.objectContaining({ reason: 'wrong_password', client_ip: '10.2.2.2', username: 'admin', level: 'warn' }),
      );
      expect(failures).toContainEqual(expect.objectContaining({ reason: 'unknown_user', client_ip: '10.2.2.3', username: 'nobody' }));
      expect(logs.lines).toContainEqual(
        expect.objectContaining({ event: 'auth.throttled', client_ip: '10.2.2.2', username: 'admin', retry_after_s: expect.any(Number) }),
      );
      expect(logs.text()).not.toMatch(/secret-guess/);
    } finally {
      logs.restore();
      await proxied.cleanup();
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
    const out = await request(t.app).post('/api/v1/auth/logout').set('Cookie', cookie).set('X-Requested-With', 'XMLHttpRequest');
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
