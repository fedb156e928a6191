/**
 * A member's Plex watchlist: the token kept (sealed) from their Plex sign-in and dropped when it no
 * longer applies, the watchlist with availability and their requests, cached per member, "Request
 * all" within the quota, a clear answer without a Plex sign-in, and the owner's switch.
 */
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plexTokens, users } from '../../db/schema';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { captureLogs, type CapturedLog } from '../../../test/metrics-helpers';
import { SESSION_COOKIE } from '../auth/sessions';

const ALICE_TOKEN = 'plex-user-token-alice-Wq81zm';
const ALICE_NEW_TOKEN = 'plex-user-token-alice-Rt55pd';
const WATCHLIST_PATH = '/library/sections/watchlist/all';

let up: Upstreams;
let t: TestApp;
let logs: CapturedLog;
let admin: string;

beforeAll(async () => {
  logs = captureLogs('debug');
  up = await startUpstreams();
  up.plexTv.addAccount(ALICE_TOKEN, 'alice', ['sharedServer'], up.plex.machineIdentifier);
  up.plexTv.addAccount(ALICE_NEW_TOKEN, 'alice', ['sharedServer'], up.plex.machineIdentifier);
  t = await createTestApp(up.env);
  admin = await loginCookie(t.app);
});

afterAll(async () => {
  logs?.restore();
  await t?.cleanup();
  await up?.stop();
});

/** Signs in with Plex the way the browser does (PIN, approval on app.plex.tv, verify); returns the session cookie. */
async function plexSignIn(token: string): Promise<string> {
  const agent = request.agent(t.app);
  const pin = await agent.post('/api/v1/auth/plex/pin').set('X-Requested-With', 'XMLHttpRequest');
  up.plexTv.authorizePin(pin.body.id as number, token);
  const done = await agent.post('/api/v1/auth/plex/verify').send({ id: pin.body.id });
  expect(done.status).toBe(200);
  const cookie = ([] as string[]).concat(done.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return cookie!.split(';')[0]!;
}

const aliceRow = async () => {
  const [user] = await t.container.database.db.select().from(users).where(eq(users.username, 'alice'));
  const [token] = user ? await t.container.database.db.select().from(plexTokens).where(eq(plexTokens.userId, user.id)) : [];
  return { user: user!, token };
};

const watchlistOf = (cookie: string) => request(t.app).get('/api/v1/watchlist').set('Cookie', cookie);
/** "Request all", as the web app sends it (no body: the X-Requested-With header shows it comes from the app). */
const requestAll = (cookie: string) =>
  request(t.app).post('/api/v1/watchlist/request-all').set('Cookie', cookie).set('X-Requested-With', 'XMLHttpRequest');
const titles = (body: { items: { title: string; availability: string }[] }) => body.items.map((i) => `${i.title}: ${i.availability}`);

describe('the Plex watchlist', () => {
  let alice: string;

  it('keeps the Plex token of a sign-in sealed, never readable in the database or a log line', async () => {
    alice = await plexSignIn(ALICE_TOKEN);
    const { token } = await aliceRow();
    expect(token).toBeDefined();
    expect(JSON.stringify(token)).not.toContain(ALICE_TOKEN);
    expect((await t.container.watchlist.tokens.find(token!.userId))?.token).toBe(ALICE_TOKEN);
    expect(logs.text()).not.toContain(ALICE_TOKEN);
  });

  it('shows each title with its availability in Plex, and counts titles without a TMDB id', async () => {
    up.plexTv.setWatchlist(ALICE_TOKEN, ['severance', 'the-matrix', 'inception', 'free-solo']);
    const res = await watchlistOf(alice);
    expect(res.status).toBe(200);
    expect(res.body.unavailable).toBeNull();
    expect(titles(res.body)).toEqual(['Severance: partially_available', 'The Matrix: available', 'Inception: none']);
    expect(res.body.items[2]).toMatchObject({ mediaType: 'movie', tmdbId: 27205, year: 2010, requestId: null, requestStatus: null });
    expect(res.body.unmatched).toBe(1);
    expect(res.body.autoRequest).toEqual({ offered: false, enabled: false });
    expect(JSON.stringify(res.body)).not.toContain(ALICE_TOKEN);
  });

  it('reads plex.tv once per member within the cache time', async () => {
    const before = up.plexTv.requestsTo(WATCHLIST_PATH).length;
    expect((await watchlistOf(alice)).status).toBe(200);
    expect(up.plexTv.requestsTo(WATCHLIST_PATH).length).toBe(before);
  });

  it('finds the TMDB id of a title Plex listed without one, and counts a show Plex knows by TVDB id only', async () => {
    up.plexTv.setWatchlist(ALICE_TOKEN, ['the-matrix-reloaded', 'the-allotment-hour', 'inception']);
    await t.container.cache.delete(`watchlist:${(await aliceRow()).user.id}`);
    const res = await watchlistOf(alice);
    expect(res.status).toBe(200);
    expect(titles(res.body)).toEqual(['The Matrix Reloaded: processing', 'Inception: none']);
    expect(res.body.items[0]).toMatchObject({ mediaType: 'movie', tmdbId: 604, year: 2003 });
    expect(res.body.unmatched).toBe(1);
  });

  it('lets the browser keep the watchlist: 304 without a body while it is unchanged, a new ETag once it changes', async () => {
    const first = await watchlistOf(alice);
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const same = await watchlistOf(alice).set('If-None-Match', first.headers.etag as string);
    expect(same.status).toBe(304);
    expect(same.text ?? '').toBe('');
    expect(same.headers.etag).toBe(first.headers.etag);

    // The member adds a title in Plex; once their cached copy is read again, the browser's copy is stale.
    up.plexTv.setWatchlist(ALICE_TOKEN, ['the-matrix-reloaded', 'the-allotment-hour', 'inception', 'the-dark-knight']);
    await t.container.cache.delete(`watchlist:${(await aliceRow()).user.id}`);
    const changed = await watchlistOf(alice).set('If-None-Match', first.headers.etag as string);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
    expect(titles(changed.body)).toContain('The Dark Knight: none');
  });

  it('answers a member without a Plex sign-in with an empty watchlist and the reason', async () => {
    const bob = await createUser(t.app, t.container, 'bob');
    const res = await watchlistOf(bob.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unavailable: 'no_plex_sign_in', items: [], unmatched: 0 });
    const optIn = await request(t.app).patch('/api/v1/watchlist/auto-request').set('Cookie', bob.cookie).send({ enabled: true });
    expect(optIn.status).toBe(409);
    expect(optIn.body.error.details.reason).toBe('NO_PLEX_SIGN_IN');
    const all = await requestAll(bob.cookie);
    expect(all.body).toMatchObject({ unavailable: 'no_plex_sign_in', requested: [], skipped: [] });
  });

  it('requests every title not available or requested yet, and stops at the quota saying why', async () => {
    up.overseerr.setQuota(up.overseerr.userId('alice@example.com'), 'movie', { limit: 2, days: 7 });
    up.plexTv.setWatchlist(ALICE_TOKEN, ['the-matrix', 'inception', 'the-dark-knight', 'fight-club']);
    await t.container.cache.delete(`watchlist:${(await aliceRow()).user.id}`);
    const res = await requestAll(alice);
    expect(res.status).toBe(200);
    expect(res.body.requested.map((r: { title: string }) => r.title)).toEqual(['Inception', 'The Dark Knight']);
    expect(res.body.skipped).toEqual([
      { mediaType: 'movie', tmdbId: 603, title: 'The Matrix', reason: 'available' },
      { mediaType: 'movie', tmdbId: 550, title: 'Fight Club', reason: 'quota' },
    ]);
    expect(titles(res.body)).toEqual(['The Matrix: available', 'Inception: requested', 'The Dark Knight: requested', 'Fight Club: none']);
    expect(res.body.items[1].requestId).toBe(res.body.requested[0].requestId);
    const asked = up.overseerr.requestsTo('/api/v1/request', 'POST').map((r) => (r.body as { mediaId: number }).mediaId);
    expect(asked).toEqual([27205, 155]);
    // Again: nothing left within the quota, nothing asked.
    const again = await requestAll(alice);
    expect(again.body.requested).toEqual([]);
    expect(up.overseerr.requestsTo('/api/v1/request', 'POST')).toHaveLength(2);
  });

  it('replaces the token at the next Plex sign-in, keeping one per member', async () => {
    alice = await plexSignIn(ALICE_NEW_TOKEN);
    const { user } = await aliceRow();
    const rows = await t.container.database.db.select().from(plexTokens).where(eq(plexTokens.userId, user.id));
    expect(rows).toHaveLength(1);
    expect((await t.container.watchlist.tokens.find(user.id))?.token).toBe(ALICE_NEW_TOKEN);
  });

  it('forgets a token plex.tv no longer accepts, and says to sign in with Plex again', async () => {
    const { user } = await aliceRow();
    up.plexTv.revokeToken(ALICE_NEW_TOKEN);
    await t.container.cache.delete(`watchlist:${user.id}`);
    const res = await watchlistOf(alice);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unavailable: 'plex_sign_in_expired', items: [] });
    expect((await aliceRow()).token).toBeUndefined();
  });

  it('drops the token when the Plex account is unlinked, and with the member', async () => {
    up.plexTv.addAccount(ALICE_NEW_TOKEN, 'alice', ['sharedServer'], up.plex.machineIdentifier);
    alice = await plexSignIn(ALICE_NEW_TOKEN);
    const { user } = await aliceRow();
    await t.container.users.update(user.id, { plexId: null });
    expect((await watchlistOf(alice)).body.unavailable).toBe('no_plex_sign_in');
    expect((await aliceRow()).token).toBeUndefined();

    await t.container.users.update(user.id, { plexId: String(up.plexTv.accountId('alice')) });
    await t.container.watchlist.tokens.save(user.id, String(up.plexTv.accountId('alice')), ALICE_NEW_TOKEN);
    await t.container.database.db.delete(users).where(eq(users.id, user.id));
    expect(await t.container.database.db.select().from(plexTokens).where(eq(plexTokens.userId, user.id))).toEqual([]);
  });
});

describe("the owner's switch for automatic requests", () => {
  it('is off by default, changed and read back by administrators only', async () => {
    expect((await request(t.app).get('/api/v1/admin/watchlist').set('Cookie', admin)).body).toEqual({ autoRequest: false });
    const on = await request(t.app).patch('/api/v1/admin/watchlist').set('Cookie', admin).send({ autoRequest: true });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ autoRequest: true });
    expect((await request(t.app).get('/api/v1/admin/watchlist').set('Cookie', admin)).body).toEqual({ autoRequest: true });

    const carol = await createUser(t.app, t.container, 'carol');
    expect((await request(t.app).patch('/api/v1/admin/watchlist').set('Cookie', carol.cookie).send({ autoRequest: false })).status).toBe(
      403,
    );
    const bad = await request(t.app).patch('/api/v1/admin/watchlist').set('Cookie', admin).send({ autoRequest: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('autoRequest');
    const badOptIn = await request(t.app).patch('/api/v1/watchlist/auto-request').set('Cookie', carol.cookie).send({});
    expect(badOptIn.status).toBe(400);
  });
});
