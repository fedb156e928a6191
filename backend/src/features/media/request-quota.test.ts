import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';

let up: Upstreams;
let t: TestApp;
let alice: { id: string; cookie: string };
let carol: { id: string; cookie: string };
let dave: { id: string; cookie: string };
const DAY_MS = 86_400_000;

beforeAll(async () => {
  up = await startUpstreams();
  t = await createTestApp(up.env);
  // Overseerr users 2 (alice) and 3 (carol) by e-mail; dave has no Overseerr user.
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com' });
  dave = await createUser(t.app, t.container, 'dave', { email: 'dave@nowhere.example' });
});

afterAll(async () => {
  await t?.cleanup();
  await up?.stop();
});

const quota = async (cookie: string) => {
  const res = await request(t.app).get('/api/v1/media/quota').set('Cookie', cookie);
  expect(res.status).toBe(200);
  return res.body as { movie: Record<string, unknown> | null; tv: Record<string, unknown> | null };
};

const ask = (cookie: string, body: Record<string, unknown>) =>
  request(t.app).post('/api/v1/media/requests').set('Cookie', cookie).send(body);

describe('request quotas', () => {
  it('shows no badge without a quota, and none for a member Overseerr does not know', async () => {
    expect(await quota(alice.cookie)).toEqual({ movie: null, tv: null });
    expect(await quota(dave.cookie)).toEqual({ movie: null, tv: null });
    expect((await request(t.app).get('/api/v1/media/quota')).status).toBe(401);
  });

  it("counts down the member's movie quota as they request, then explains the refusal with the date the next one frees up", async () => {
    up.overseerr.setQuota(up.overseerr.userId('alice@example.com'), 'movie', { limit: 2, days: 7 });
    // Seen before the quota was set is cached briefly; a request forgets it.
    const first = await ask(alice.cookie, { mediaType: 'movie', tmdbId: 155 });
    expect(first.status).toBe(201);
    expect((await quota(alice.cookie)).movie).toEqual({ limit: 2, days: 7, used: 1, remaining: 1, nextFreeAt: null });

    // The first request was made two days ago: it stops counting five days from now.
    up.overseerr.ageRequest(first.body.request.overseerrId as number, 2);
    const second = await ask(alice.cookie, { mediaType: 'movie', tmdbId: 27205 });
    expect(second.status).toBe(201);
    const freesUpAt = new Date(Date.parse(up.overseerr.request(first.body.request.overseerrId as number)!.createdAt) + 7 * DAY_MS);
    expect((await quota(alice.cookie)).movie).toEqual({ limit: 2, days: 7, used: 2, remaining: 0, nextFreeAt: freesUpAt.toISOString() });

    const refused = await ask(alice.cookie, { mediaType: 'movie', tmdbId: 550 });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
    const when = freesUpAt.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    expect(refused.body.error.message).toBe(
      `You have used your 2 movie requests for the last 7 days; the next one frees up on ${when} UTC.`,
    );
    expect(refused.body.error.details).toMatchObject({ reason: 'QUOTA_EXCEEDED', mediaType: 'movie', limit: 2, remaining: 0 });
    // Nothing was recorded for the refused request.
    const mine = await request(t.app).get('/api/v1/media/requests').set('Cookie', alice.cookie);
    expect(mine.body.requests.map((r: { tmdbId: number }) => r.tmdbId).sort()).toEqual([155, 27205]);
    // Cancelling a request gives its slot back at once.
    const cancelled = await request(t.app)
      .delete(`/api/v1/media/requests/${second.body.request.id as number}`)
      .set('Cookie', alice.cookie)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(cancelled.status).toBe(200);
    expect((await quota(alice.cookie)).movie).toEqual({ limit: 2, days: 7, used: 1, remaining: 1, nextFreeAt: null });
    // Another member's quota is their own.
    expect((await quota(carol.cookie)).movie).toBeNull();
  });

  it('counts TV seasons, and says so when a request asks for more seasons than are left', async () => {
    up.overseerr.setQuota(up.overseerr.userId('carol@example.com'), 'tv', { limit: 2, days: 30 });
    // Carol's quota read above (none) is still cached; Overseerr's refusal reads it afresh.
    const tooMany = await ask(carol.cookie, { mediaType: 'tv', tmdbId: 1399 });
    expect(tooMany.status).toBe(403);
    expect(tooMany.body.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: 'This asks for 3 seasons, but you have 2 of your 2 TV season requests left for the last 30 days. Request fewer seasons.',
    });
    expect((await quota(carol.cookie)).tv).toEqual({ limit: 2, days: 30, used: 0, remaining: 2, nextFreeAt: null });
    expect((await ask(carol.cookie, { mediaType: 'tv', tmdbId: 1399, seasons: [1, 2] })).status).toBe(201);
    expect((await quota(carol.cookie)).tv).toMatchObject({ used: 2, remaining: 0 });
  });
});
