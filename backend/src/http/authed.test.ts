/**
 * The route guards as a caller meets them: no session is a 401, a member on an
 * administrators' route a 403 (both the app's JSON error), and a handler that
 * runs has the signed-in user in hand.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminOnly, authed, type SignedInUser } from './authed';
import { errorHandler } from './error-handler';

const people: Record<string, SignedInUser> = {
  alice: { id: 'u-alice', role: 'user' } as SignedInUser,
  root: { id: 'u-root', role: 'admin' } as SignedInUser,
};

function app() {
  const a = express();
  // Stands in for the session lookup (features/auth `authenticate`), which runs before every router.
  a.use((req, _res, next) => {
    req.user = people[req.get('x-test-user') ?? ''];
    next();
  });
  a.get(
    '/mine',
    authed((_req, res, user) => void res.json({ id: user.id })),
  );
  a.post(
    '/admin',
    adminOnly(async (_req, res, admin) => void res.status(201).json({ by: admin.id })),
  );
  a.use(errorHandler);
  return a;
}

describe('authed', () => {
  it('answers 401 without a signed-in user, and never runs the handler', async () => {
    const res = await request(app()).get('/mine');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'You need to sign in' } });
  });

  it('hands the handler the signed-in user', async () => {
    const res = await request(app()).get('/mine').set('x-test-user', 'alice');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'u-alice' });
  });
});

describe('adminOnly', () => {
  it('answers 401 without a user and 403 for a member', async () => {
    expect((await request(app()).post('/admin')).status).toBe(401);
    const member = await request(app()).post('/admin').set('x-test-user', 'alice');
    expect(member.status).toBe(403);
    expect(member.body).toEqual({ error: { code: 'FORBIDDEN', message: 'Only administrators can do this' } });
  });

  it('lets an administrator through, with the administrator in hand', async () => {
    const res = await request(app()).post('/admin').set('x-test-user', 'root');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ by: 'u-root' });
  });
});
