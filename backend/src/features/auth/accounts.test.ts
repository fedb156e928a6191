import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../../test/context';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { captureLogs } from '../../../test/metrics-helpers';
import { PasswordResets } from './password-resets';
import { SESSION_COOKIE } from './sessions';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.cleanup());

const session = (cookie: string) => request(t.app).get('/api/v1/auth/session').set('Cookie', cookie);
const login = (username: string, password: string) => request(t.app).post('/api/v1/auth/login').send({ username, password });
function sessionCookieOf(res: request.Response): string | undefined {
  return ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0];
}
const tokenOf = (url: string) => url.slice(url.indexOf('#') + 1);

describe('changing your own password', () => {
  it('needs the current password, then signs out the other sessions and keeps this browser signed in', async () => {
    const here = await createUser(t.app, t.container, 'ivy', { password: 'ivy-password' });
    const elsewhere = await loginCookie(t.app, 'ivy', 'ivy-password');

    const wrong = await request(t.app)
      .post('/api/v1/auth/password')
      .set('Cookie', here.cookie)
      .send({ currentPassword: 'not-my-password', newPassword: 'ivy-new-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([expect.objectContaining({ path: 'currentPassword' })]);
    expect((await session(elsewhere)).status).toBe(200);

    const short = await request(t.app)
      .post('/api/v1/auth/password')
      .set('Cookie', here.cookie)
      .send({ currentPassword: 'ivy-password', newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([
      expect.objectContaining({ path: 'newPassword', message: expect.stringMatching(/at least 8/) }),
    ]);

    const changed = await request(t.app)
      .post('/api/v1/auth/password')
      .set('Cookie', here.cookie)
      .send({ currentPassword: 'ivy-password', newPassword: 'ivy-new-password' });
    expect(changed.status).toBe(200);
    const current = sessionCookieOf(changed);
    expect(current).toBeDefined();
    expect((await session(current!)).body.user.username).toBe('ivy');
    expect((await session(elsewhere)).status).toBe(401);

    expect((await login('ivy', 'ivy-password')).status).toBe(401);
    expect((await login('ivy', 'ivy-new-password')).status).toBe(200);
  });

  it('answers 401 without a session', async () => {
    const res = await request(t.app).post('/api/v1/auth/password').send({ currentPassword: 'x', newPassword: 'long-enough-1' });
    expect(res.status).toBe(401);
  });
});

describe('accounts made by an administrator', () => {
  it('creates a local account whose member sets the password through a one-time link', async () => {
    const admin = await loginCookie(t.app);
    const created = await request(t.app)
      .post('/api/v1/admin/users')
      .set('Cookie', admin)
      .send({ username: 'Jules', email: 'jules@example.com' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ username: 'Jules', role: 'user', enabled: true, email: 'jules@example.com' });
    expect(created.body.resetLink.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/reset-password#[A-Za-z0-9_-]{40,}$/);
    const token = tokenOf(created.body.resetLink.url);

    // No password yet: nobody can sign in as the new account.
    expect((await login('jules', '')).status).toBe(400);

    const inspected = await request(t.app).post('/api/v1/auth/password-reset/inspect').send({ token });
    expect(inspected.status).toBe(200);
    expect(inspected.body).toEqual({ username: 'Jules', expiresAt: created.body.resetLink.expiresAt });

    const tooShort = await request(t.app).post('/api/v1/auth/password-reset').send({ token, newPassword: 'short' });
    expect(tooShort.status).toBe(400);
    const used = await request(t.app).post('/api/v1/auth/password-reset').send({ token, newPassword: 'jules-password' });
    expect(used.status).toBe(200);
    expect(used.body).toEqual({ username: 'Jules' });
    expect((await login('jules', 'jules-password')).status).toBe(200);

    // Single use.
    const again = await request(t.app).post('/api/v1/auth/password-reset').send({ token, newPassword: 'jules-password-2' });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('GONE');
    expect((await request(t.app).post('/api/v1/auth/password-reset/inspect').send({ token })).status).toBe(410);
  });

  it('refuses a taken username (409), a bad one (400), and non-admins (403)', async () => {
    const admin = await loginCookie(t.app);
    expect((await request(t.app).post('/api/v1/admin/users').set('Cookie', admin).send({ username: 'ADMIN' })).status).toBe(409);
    const bad = await request(t.app).post('/api/v1/admin/users').set('Cookie', admin).send({ username: 'no spaces please' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'username' })]);
    const kim = await createUser(t.app, t.container, 'kim');
    expect((await request(t.app).post('/api/v1/admin/users').set('Cookie', kim.cookie).send({ username: 'kim2' })).status).toBe(403);
    expect(
      (
        await request(t.app)
          .post(`/api/v1/admin/users/${kim.id}/password-reset`)
          .set('Cookie', kim.cookie)
          .set('X-Requested-With', 'XMLHttpRequest')
      ).status,
    ).toBe(403);
  });

  it('resets a password through a link that signs the member out everywhere and voids older links', async () => {
    const admin = await loginCookie(t.app);
    const leo = await createUser(t.app, t.container, 'leo', { password: 'leo-password' });
    const first = await request(t.app)
      .post(`/api/v1/admin/users/${leo.id}/password-reset`)
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(first.status).toBe(201);
    const second = await request(t.app)
      .post(`/api/v1/admin/users/${leo.id}/password-reset`)
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(
      (
        await request(t.app)
          .post('/api/v1/auth/password-reset')
          .send({ token: tokenOf(first.body.resetLink.url), newPassword: 'leo-password-2' })
      ).status,
    ).toBe(410);
    const done = await request(t.app)
      .post('/api/v1/auth/password-reset')
      .send({ token: tokenOf(second.body.resetLink.url), newPassword: 'leo-password-2' });
    expect(done.status).toBe(200);
    expect((await session(leo.cookie)).status).toBe(401);
    expect((await login('leo', 'leo-password-2')).status).toBe(200);
    expect(
      (
        await request(t.app)
          .post('/api/v1/admin/users/nobody/password-reset')
          .set('Cookie', admin)
          .set('X-Requested-With', 'XMLHttpRequest')
      ).status,
    ).toBe(404);
  });

  it('voids an unused link when the member changes the password in the meantime', async () => {
    const admin = await loginCookie(t.app);
    const nora = await createUser(t.app, t.container, 'nora', { password: 'nora-password' });
    const issue = async () =>
      tokenOf(
        (
          await request(t.app)
            .post(`/api/v1/admin/users/${nora.id}/password-reset`)
            .set('Cookie', admin)
            .set('X-Requested-With', 'XMLHttpRequest')
        ).body.resetLink.url as string,
      );
    // A link sent last week, then Nora changes her password on the Account page.
    const stale = await issue();
    const changed = await request(t.app)
      .post('/api/v1/auth/password')
      .set('Cookie', nora.cookie)
      .send({ currentPassword: 'nora-password', newPassword: 'nora-new-password' });
    expect(changed.status).toBe(200);
    expect((await request(t.app).post('/api/v1/auth/password-reset/inspect').send({ token: stale })).status).toBe(410);
    const reused = await request(t.app).post('/api/v1/auth/password-reset').send({ token: stale, newPassword: 'taken-over-1' });
    expect(reused.status).toBe(410);
    expect((await login('nora', 'taken-over-1')).status).toBe(401);

    // The same when the password is set any other way (a used link, the CLI): the service's one setter voids them.
    const other = await issue();
    await t.container.auth.setPassword(nora.id, 'nora-third-password');
    expect((await request(t.app).post('/api/v1/auth/password-reset').send({ token: other, newPassword: 'taken-over-2' })).status).toBe(410);
    expect((await login('nora', 'nora-third-password')).status).toBe(200);
  });

  it('lets a link expire after its lifetime (PASSWORD_RESET_TTL_HOURS)', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const resets = new PasswordResets(t.container.database, 3600_000, () => now);
    const mia = await createUser(t.app, t.container, 'mia');
    const { token } = await resets.issue(mia.id, undefined);
    expect(await resets.inspect(token)).toMatchObject({ userId: mia.id });
    now = new Date(now.getTime() + 3601_000);
    expect(await resets.inspect(token)).toBeUndefined();
    expect(await resets.consume(token)).toBeUndefined();
  });

  it('answers 410 for an unknown token and 400 for a missing one', async () => {
    expect((await request(t.app).post('/api/v1/auth/password-reset').send({ token: 'made-up', newPassword: 'whatever-123' })).status).toBe(
      410,
    );
    const missing = await request(t.app).post('/api/v1/auth/password-reset/inspect').send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([expect.objectContaining({ path: 'token' })]);
  });
});

describe('ADMIN_PASSWORD after the first start', () => {
  it('warns once at start-up, saying how to change it, when it no longer matches the stored password', async () => {
    const logs = captureLogs('info');
    try {
      await t.container.auth.ensureAdmin('admin', ADMIN_PASSWORD);
      await t.container.auth.adminPasswordCheck; // in the background: start-up does not wait for the hash
      expect(logs.lines.filter((l) => l.event === 'auth.admin.password_mismatch')).toEqual([]);
      await t.container.auth.ensureAdmin('admin', 'a-new-password-in-env');
      await t.container.auth.adminPasswordCheck;
      const warnings = logs.lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ event: 'auth.admin.password_mismatch', username: 'admin' });
      expect(String(warnings[0]!.message)).toMatch(/npm run admin -- reset-password admin/);
      expect(logs.text()).not.toContain('a-new-password-in-env');
      // The stored password still applies.
      expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
    } finally {
      logs.restore();
    }
  });
});
