/**
 * A member's language, chosen on the Account page: PATCH /api/v1/auth/account stores it with the
 * account (so every browser and every notification gets it), the session answer carries it back on
 * every page load, `null` returns to the browser's language, and anything MediaNest does not speak
 * is a 400 naming the field.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.cleanup());

const session = (cookie: string) => request(t.app).get('/api/v1/auth/session').set('Cookie', cookie);
const setLanguage = (cookie: string, language: unknown) =>
  request(t.app).patch('/api/v1/auth/account').set('Cookie', cookie).send({ language });

describe('the member’s language', () => {
  it('starts unset, is stored with the account and comes back with the session in every browser', async () => {
    const here = await createUser(t.app, t.container, 'greta', { password: 'greta-password' });
    expect((await session(here.cookie)).body.user.language).toBeNull();

    const saved = await setLanguage(here.cookie, 'de');
    expect(saved.status).toBe(200);
    expect(saved.body.user).toMatchObject({ username: 'greta', language: 'de' });

    expect((await session(here.cookie)).body.user.language).toBe('de');
    const elsewhere = await loginCookie(t.app, 'greta', 'greta-password');
    const signedIn = await request(t.app).post('/api/v1/auth/login').send({ username: 'greta', password: 'greta-password' });
    expect(signedIn.body.user.language).toBe('de');
    expect((await session(elsewhere)).body.user.language).toBe('de');

    const cleared = await setLanguage(here.cookie, null);
    expect(cleared.status).toBe(200);
    expect((await session(elsewhere)).body.user.language).toBeNull();
  });

  it('refuses a language MediaNest does not speak with a 400 naming the field, and keeps the stored one', async () => {
    const { cookie } = await createUser(t.app, t.container, 'hugo');
    await setLanguage(cookie, 'fr');
    for (const bad of ['tlh', 'DE', 42, '']) {
      const res = await setLanguage(cookie, bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'language' })]);
    }
    const extra = await request(t.app).patch('/api/v1/auth/account').set('Cookie', cookie).send({ language: 'es', role: 'admin' });
    expect(extra.status).toBe(400);
    expect((await session(cookie)).body.user).toMatchObject({ language: 'fr', role: 'user' });
  });

  it('needs a signed-in member', async () => {
    const res = await request(t.app).patch('/api/v1/auth/account').send({ language: 'de' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });
});
