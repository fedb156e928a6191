import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvents } from '../../realtime/events';
import { mediaRequestsTotal } from '../../observability/metrics/catalog';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';

let up: Upstreams;
let t: TestApp;
let admin: string;
let alice: { id: string; cookie: string };
let carol: { id: string; cookie: string };
let dave: { id: string; cookie: string };
const created: DomainEvents['request.created'][] = [];

beforeAll(async () => {
  up = await startUpstreams();
  t = await createTestApp(up.env);
  admin = await loginCookie(t.app);
  // Matched to Overseerr users by e-mail (alice: Overseerr user 2, carol: 3); dave has no Overseerr user.
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  carol = await createUser(t.app, t.container, 'carol', { email: 'Carol@Example.com' });
  dave = await createUser(t.app, t.container, 'dave', { email: 'dave@nowhere.example' });
  t.container.events.subscribe('request.created', (e) => created.push(e));
});

afterAll(async () => {
  await t?.cleanup();
  await up?.stop();
});

async function requestsCounted(labels: { type: string; status: string; source: string }): Promise<number> {
  const m = await mediaRequestsTotal.get();
  return (
    m.values.find((v) => v.labels.type === labels.type && v.labels.status === labels.status && v.labels.source === labels.source)?.value ??
    0
  );
}

type Summary = { tmdbId: number; mediaType: string; title: string; availability: string; requestId: number | null };

describe('search and details', () => {
  it('searches Overseerr, leaves people out and marks what is available or being processed', async () => {
    const res = await request(t.app).get('/api/v1/media/search').query({ q: 'matrix' }).set('Cookie', alice.cookie);
    expect(res.status).toBe(200);
    const results = res.body.results as Summary[];
    expect(results.map((r) => r.title)).toEqual(['The Matrix', 'The Matrix Reloaded', 'The Matrix Revolutions']);
    expect(results.every((r) => r.mediaType === 'movie')).toBe(true);
    const byId = new Map(results.map((r) => [r.tmdbId, r]));
    expect(byId.get(603)).toMatchObject({ availability: 'available', year: 1999, posterPath: '/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg' });
    expect(byId.get(604)!.availability).toBe('processing');
    expect(byId.get(605)).toMatchObject({ availability: 'none', requestId: null });
    // The call went out with the API key, the query and page 1.
    const call = up.overseerr.requestsTo('/api/v1/search').at(-1)!;
    expect(call.query).toEqual({ query: 'matrix', page: '1' });
    expect(call.headers['x-api-key']).toBeDefined();
  });

  it('serves a repeated search from the cache', async () => {
    const before = up.overseerr.requestsTo('/api/v1/search').length;
    const res = await request(t.app).get('/api/v1/media/search?q=severance').set('Cookie', alice.cookie);
    await request(t.app).get('/api/v1/media/search?q=Severance').set('Cookie', alice.cookie);
    expect(up.overseerr.requestsTo('/api/v1/search').length).toBe(before + 1);
    expect(res.body.results[0]).toMatchObject({ mediaType: 'tv', title: 'Severance', availability: 'partially_available', year: 2022 });
  });

  it('shows movie and show details with season availability', async () => {
    const movie = await request(t.app).get('/api/v1/media/movie/603').set('Cookie', alice.cookie);
    expect(movie.status).toBe(200);
    expect(movie.body).toMatchObject({
      mediaType: 'movie',
      tmdbId: 603,
      title: 'The Matrix',
      availability: 'available',
      runtime: 136,
      genres: ['Action', 'Science Fiction'],
      tagline: 'Welcome to the Real World.',
    });
    const show = await request(t.app).get('/api/v1/media/tv/95396').set('Cookie', alice.cookie);
    expect(show.status).toBe(200);
    expect(show.body.availability).toBe('partially_available');
    expect(show.body.seasons.map((s: { seasonNumber: number; availability: string }) => [s.seasonNumber, s.availability])).toEqual([
      [1, 'available'],
      [2, 'none'],
    ]);
  });

  it('explains an id Overseerr cannot load (it answers 500) as a 503, not our error', async () => {
    const res = await request(t.app).get('/api/v1/media/movie/999999').set('Cookie', alice.cookie);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(res.body.error.message).toMatch(/Overseerr could not load movie 999999/);
    // Not retried: the id will not start existing.
    expect(up.overseerr.requestsTo('/api/v1/movie/999999')).toHaveLength(1);
  });

  it('rejects bad input with 400 and anonymous callers with 401', async () => {
    expect((await request(t.app).get('/api/v1/media/search').set('Cookie', alice.cookie)).status).toBe(400);
    expect((await request(t.app).get('/api/v1/media/book/603').set('Cookie', alice.cookie)).status).toBe(400);
    expect((await request(t.app).get('/api/v1/media/movie/abc').set('Cookie', alice.cookie)).status).toBe(400);
    for (const path of ['/api/v1/media/search?q=x', '/api/v1/media/movie/603', '/api/v1/media/requests', '/api/v1/media/requests/1']) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(401);
    }
    expect((await request(t.app).post('/api/v1/media/requests').send({ mediaType: 'movie', tmdbId: 550 })).status).toBe(401);
  });
});

describe('requests', () => {
  let aliceRequestId: number;

  it('creates a request in Overseerr on behalf of the user (X-API-User) and records it', async () => {
    const before = await requestsCounted({ type: 'movie', status: 'pending', source: 'web' });
    const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', alice.cookie).send({ mediaType: 'movie', tmdbId: 605 });
    expect(res.status).toBe(201);
    expect(res.body.request).toMatchObject({
      mediaType: 'movie',
      tmdbId: 605,
      title: 'The Matrix Revolutions',
      status: 'pending',
      requestedBy: { id: alice.id, username: 'alice' },
    });
    aliceRequestId = res.body.request.id;
    const sent = up.overseerr.requestsTo('/api/v1/request', 'POST').at(-1)!;
    expect(sent.headers['x-api-user']).toBe(String(up.overseerr.userId('alice@example.com')));
    expect(sent.body).toEqual({ mediaType: 'movie', mediaId: 605, is4k: false });
    expect(up.overseerr.request(res.body.request.overseerrId)?.status).toBe(1); // pending in Overseerr too
    expect(created.at(-1)).toMatchObject({ requestId: aliceRequestId, userId: alice.id, status: 'pending', tmdbId: 605 });
    expect(await requestsCounted({ type: 'movie', status: 'pending', source: 'web' })).toBe(before + 1);
  });

  it('marks the title as requested in search: with the request id for its requester only', async () => {
    const mine = await request(t.app).get('/api/v1/media/search?q=revolutions').set('Cookie', alice.cookie);
    expect(mine.body.results[0]).toMatchObject({
      tmdbId: 605,
      availability: 'requested',
      requestId: aliceRequestId,
      requestStatus: 'pending',
    });
    const theirs = await request(t.app).get('/api/v1/media/movie/605').set('Cookie', carol.cookie);
    expect(theirs.body).toMatchObject({ availability: 'requested', requestId: null });
  });

  it('answers 409 for duplicates and titles already available', async () => {
    const again = await request(t.app).post('/api/v1/media/requests').set('Cookie', alice.cookie).send({ mediaType: 'movie', tmdbId: 605 });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ reason: 'DUPLICATE_REQUEST', requestId: aliceRequestId });
    const other = await request(t.app).post('/api/v1/media/requests').set('Cookie', carol.cookie).send({ mediaType: 'movie', tmdbId: 605 });
    expect(other.status).toBe(409);
    expect(other.body.error.details.reason).toBe('ALREADY_REQUESTED');
    const available = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', carol.cookie)
      .send({ mediaType: 'movie', tmdbId: 603 });
    expect(available.status).toBe(409);
    expect(available.body.error.details.reason).toBe('ALREADY_AVAILABLE');
  });

  it('refuses to request as the admin when the user has no Overseerr account', async () => {
    const posts = up.overseerr.requestsTo('/api/v1/request', 'POST').length;
    const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', dave.cookie).send({ mediaType: 'movie', tmdbId: 550 });
    expect(res.status).toBe(409);
    expect(res.body.error.details.reason).toBe('OVERSEERR_USER_NOT_LINKED');
    expect(res.body.error.message).toMatch(/not linked to an Overseerr user/);
    expect(up.overseerr.requestsTo('/api/v1/request', 'POST')).toHaveLength(posts);
  });

  it('validates the body', async () => {
    const bad = [
      { mediaType: 'book', tmdbId: 1 },
      { mediaType: 'movie', tmdbId: '550' },
      { mediaType: 'movie', tmdbId: -1 },
      { mediaType: 'movie', tmdbId: 550, seasons: [1] },
      { mediaType: 'tv', tmdbId: 1399, seasons: [] },
      { mediaType: 'movie', tmdbId: 550, extra: true },
    ];
    for (const body of bad) {
      const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', carol.cookie).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const noSuchSeason = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', carol.cookie)
      .send({ mediaType: 'tv', tmdbId: 1399, seasons: [9] });
    expect(noSuchSeason.status).toBe(400);
    expect(noSuchSeason.body.error.message).toBe('Game of Thrones has no season 9');
  });

  it('requests chosen seasons of a show, and overlapping seasons are duplicates', async () => {
    const res = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', carol.cookie)
      .send({ mediaType: 'tv', tmdbId: 1399, seasons: [1, 2] });
    expect(res.status).toBe(201);
    expect(res.body.request).toMatchObject({ mediaType: 'tv', seasons: [1, 2], status: 'pending', requestedBy: { username: 'carol' } });
    const sent = up.overseerr.requestsTo('/api/v1/request', 'POST').at(-1)!;
    expect(sent.headers['x-api-user']).toBe(String(up.overseerr.userId('carol@example.com')));
    expect(sent.body).toEqual({ mediaType: 'tv', mediaId: 1399, is4k: false, seasons: [1, 2] });
    const overlap = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', alice.cookie)
      .send({ mediaType: 'tv', tmdbId: 1399, seasons: [2, 3] });
    expect(overlap.status).toBe(409);
    const details = await request(t.app).get('/api/v1/media/tv/1399').set('Cookie', alice.cookie);
    expect(details.body.seasons.map((s: { availability: string }) => s.availability)).toEqual(['none', 'requested', 'requested', 'none']);
  });

  it('lists own requests; administrators see all, filtered and paged', async () => {
    const own = await request(t.app).get('/api/v1/media/requests').set('Cookie', alice.cookie);
    expect(own.status).toBe(200);
    expect(own.body.requests.map((r: { requestedBy: { id: string } }) => r.requestedBy.id)).toEqual([alice.id]);
    const all = await request(t.app).get('/api/v1/media/requests').set('Cookie', admin);
    expect(all.body.total).toBe(2);
    const paged = await request(t.app).get('/api/v1/media/requests?pageSize=1&page=2').set('Cookie', admin);
    expect(paged.body).toMatchObject({ page: 2, pageSize: 1, total: 2, totalPages: 2 });
    expect(paged.body.requests).toHaveLength(1);
    const none = await request(t.app).get('/api/v1/media/requests?status=available').set('Cookie', admin);
    expect(none.body.requests).toEqual([]);
    expect((await request(t.app).get('/api/v1/media/requests?status=nope').set('Cookie', admin)).status).toBe(400);
  });

  it('shows a request to its owner and administrators only', async () => {
    expect((await request(t.app).get(`/api/v1/media/requests/${aliceRequestId}`).set('Cookie', alice.cookie)).status).toBe(200);
    expect((await request(t.app).get(`/api/v1/media/requests/${aliceRequestId}`).set('Cookie', admin)).status).toBe(200);
    const other = await request(t.app).get(`/api/v1/media/requests/${aliceRequestId}`).set('Cookie', carol.cookie);
    expect(other.status).toBe(404);
    expect(
      (
        await request(t.app)
          .delete(`/api/v1/media/requests/${aliceRequestId}`)
          .set('Cookie', carol.cookie)
          .set('X-Requested-With', 'XMLHttpRequest')
      ).status,
    ).toBe(404);
    expect((await request(t.app).get('/api/v1/media/requests/0').set('Cookie', alice.cookie)).status).toBe(400);
  });

  it('cancels a pending request in Overseerr; a request that is no longer pending cannot be cancelled', async () => {
    const res = await request(t.app)
      .delete(`/api/v1/media/requests/${aliceRequestId}`)
      .set('Cookie', alice.cookie)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(res.status).toBe(200);
    expect(res.body.request.status).toBe('cancelled');
    const overseerrId = res.body.request.overseerrId as number;
    expect(up.overseerr.requestsTo(`/api/v1/request/${overseerrId}`, 'DELETE')).toHaveLength(1);
    expect(up.overseerr.request(overseerrId)).toBeUndefined();
    const again = await request(t.app)
      .delete(`/api/v1/media/requests/${aliceRequestId}`)
      .set('Cookie', alice.cookie)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(again.status).toBe(409);
    // Cancelled requests no longer block a new one.
    const renewed = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', alice.cookie)
      .send({ mediaType: 'movie', tmdbId: 605 });
    expect(renewed.status).toBe(201);
  });

  it('syncs requests whose webhook never came (request-sync job)', async () => {
    const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', carol.cookie).send({ mediaType: 'movie', tmdbId: 155 });
    const ours = res.body.request as { id: number; overseerrId: number };
    up.overseerr.silentlySet(ours.overseerrId, 2, 5); // approved and available, nobody told us
    const updates: DomainEvents['request.updated'][] = [];
    const stop = t.container.events.subscribe('request.updated', (e) => updates.push(e));
    try {
      const result = await t.container.requestSync.syncPending();
      expect(result.checked).toBeGreaterThanOrEqual(3);
      expect(result.updated).toBe(1);
      expect(updates).toEqual([
        expect.objectContaining({ requestId: ours.id, userId: carol.id, status: 'available', previousStatus: 'pending' }),
      ]);
      const after = await request(t.app).get(`/api/v1/media/requests/${ours.id}`).set('Cookie', carol.cookie);
      expect(after.body.request.status).toBe('available');
      expect(await requestsCounted({ type: 'movie', status: 'available', source: 'sync' })).toBeGreaterThanOrEqual(1);
      // Nothing left to change: a second run updates nothing.
      expect((await t.container.requestSync.syncPending()).updated).toBe(0);
    } finally {
      stop();
    }
  });
});
