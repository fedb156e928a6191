/**
 * Discover rows as a member sees them, against the strict fake Overseerr:
 * read as the member (X-API-User), marked with availability and the member's
 * own requests, paged, cached per member, served from the cache while
 * Overseerr is down (a clear 503 for what is not cached), and bad input a 400.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import type { DiscoverRows, MediaSummary, TitleListPage } from '@medianest/contracts';

let up: Upstreams;
let t: TestApp;
let alice: { id: string; cookie: string };
let carol: { id: string; cookie: string };

beforeAll(async () => {
  up = await startUpstreams();
  t = await createTestApp({ ...up.env, DISCOVER_CACHE_SECONDS: '600' });
  // Overseerr users 2 (alice, by e-mail) and 3 (carol).
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com' });
});

afterAll(async () => {
  await t?.cleanup();
  await up?.stop();
});

const get = (path: string, cookie = alice.cookie) => request(t.app).get(path).set('Cookie', cookie);
const row = async (id: string, page = 1, cookie = alice.cookie) => {
  const res = await get(`/api/v1/discover/rows/${id}?page=${page}`, cookie);
  expect(res.status).toBe(200);
  return res.body as TitleListPage;
};
const card = (page: TitleListPage, tmdbId: number): MediaSummary | undefined => page.results.find((r) => r.tmdbId === tmdbId);
const actedAs = (prefix: string) => up.overseerr.requestsTo(prefix).map((r) => r.headers['x-api-user']);

describe('Discover rows', () => {
  it('lists trending, popular and upcoming rows, then a row per genre, read as the member', async () => {
    const res = await get('/api/v1/discover/rows');
    expect(res.status).toBe(200);
    const { rows } = res.body as DiscoverRows;
    expect(rows.slice(0, 5).map((r) => r.id)).toEqual(['trending', 'popular-movies', 'popular-tv', 'upcoming-movies', 'upcoming-tv']);
    expect(rows).toContainEqual({ id: 'movie-genre-28', kind: 'movie-genre', genre: 'Action' });
    expect(rows).toContainEqual({ id: 'tv-genre-18', kind: 'tv-genre', genre: 'Drama' });
    expect(actedAs('/api/v1/discover/genreslider')).toEqual(['2', '2']);
  });

  it('shows where each title stands in Plex, leaves people out, and reads trending as the member', async () => {
    const trending = await row('trending');
    expect(actedAs('/api/v1/discover/trending')).toEqual(['2']);
    expect(trending.results).toHaveLength(19); // 20 on Overseerr's page, one of them a person
    expect(trending.results.every((r) => r.mediaType === 'movie' || r.mediaType === 'tv')).toBe(true);
    expect(card(trending, 693134)).toMatchObject({ title: 'Dune: Part Two', year: 2024, availability: 'available', mediaType: 'movie' });
    expect(card(trending, 872585)?.availability).toBe('processing');
    expect(card(trending, 100088)).toMatchObject({ title: 'The Last of Us', availability: 'partially_available', mediaType: 'tv' });
    expect(card(trending, 1022789)?.availability).toBe('requested');
  });

  it('lets the browser keep the rows and a row page, revalidated by ETag (304 without a body), for the member only', async () => {
    for (const path of ['/api/v1/discover/rows', '/api/v1/discover/rows/trending?page=1']) {
      const first = await get(path);
      expect(first.headers['cache-control'], path).toBe('private, no-cache');
      expect(first.headers.etag, path).toMatch(/^W\/"/);
      const same = await get(path).set('If-None-Match', first.headers.etag as string);
      expect(same.status, path).toBe(304);
      expect(same.text ?? '', path).toBe('');
    }
  });

  it("marks the member's own request on the card as soon as they made it", async () => {
    const made = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', alice.cookie)
      .send({ mediaType: 'movie', tmdbId: 533535 });
    expect(made.status).toBe(201);
    const popular = await row('popular-movies');
    expect(card(popular, 533535)).toMatchObject({ availability: 'requested', requestStatus: 'pending', requestId: made.body.request.id });
    // Someone else sees it requested, but not as their request.
    expect(card(await row('popular-movies', 1, carol.cookie), 533535)).toMatchObject({ availability: 'requested', requestId: null });
  });

  it('pages in more titles: page 2 continues where page 1 ended', async () => {
    const first = await row('popular-movies');
    const second = await row('popular-movies', 2);
    expect(first.totalPages).toBe(2);
    expect(first.results).toHaveLength(20);
    expect(second.page).toBe(2);
    expect(second.results.length).toBeGreaterThan(0);
    const firstIds = new Set(first.results.map((r) => r.tmdbId));
    expect(second.results.some((r) => firstIds.has(r.tmdbId))).toBe(false);
    expect(
      up.overseerr
        .requestsTo('/api/v1/discover/movies')
        .filter((r) => !r.path.includes('/genre'))
        .map((r) => r.query.page),
    ).toContain('2');
  });

  it('serves a genre row and the upcoming rows from their own Overseerr lists', async () => {
    const horror = await row('movie-genre-27');
    expect(horror.results.map((r) => r.title)).toEqual(expect.arrayContaining(['Alien: Romulus', 'The Substance']));
    expect(card(horror, 1034541)?.availability).toBe('blocklisted');
    const upcoming = await row('upcoming-tv');
    expect(upcoming.results.map((r) => r.year)).toEqual([2027, 2027, 2027]);
  });

  it('answers a second look from the cache, per member: each member is asked for as themselves', async () => {
    await row('upcoming-movies');
    const calls = () => up.overseerr.requestsTo('/api/v1/discover/movies/upcoming').length;
    const before = calls();
    await row('upcoming-movies');
    expect(calls()).toBe(before);
    await row('upcoming-movies', 1, carol.cookie);
    expect(calls()).toBe(before + 1);
    expect(actedAs('/api/v1/discover/movies/upcoming').at(-1)).toBe('3');
  });

  it('refuses bad row names and pages with a 400 naming the problem, without asking Overseerr', async () => {
    const before = up.overseerr.requests.length;
    const bad = await get('/api/v1/discover/rows/everything');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(bad.body.error.details)).toContain('row must be trending');
    for (const page of ['0', '501', 'two', '1.5']) {
      const res = await get(`/api/v1/discover/rows/trending?page=${page}`);
      expect(res.status, `page=${page}`).toBe(400);
      expect(res.body.error.details[0].path).toBe('page');
    }
    expect((await get('/api/v1/discover/rows/movie-genre-0')).status).toBe(400);
    expect(up.overseerr.requests.length).toBe(before);
  });

  it('tells a member without an Overseerr user so (409), never reading as the admin', async () => {
    const dave = await createUser(t.app, t.container, 'dave', { email: 'dave@example.com' });
    const before = up.overseerr.requestsTo('/api/v1/discover').length;
    const res = await get('/api/v1/discover/rows/trending', dave.cookie);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ reason: 'OVERSEERR_USER_NOT_LINKED' });
    expect(up.overseerr.requestsTo('/api/v1/discover').length).toBe(before);
  });

  it('asks for a signed-in member', async () => {
    expect((await request(t.app).get('/api/v1/discover/rows')).status).toBe(401);
  });

  it('keeps serving cached rows while Overseerr is down, and answers a clear 503 for the rest', async () => {
    await row('upcoming-tv');
    up.overseerr.failWith(500, { message: 'Internal Server Error' });
    try {
      expect((await row('upcoming-tv')).results).toHaveLength(3);
      const down = await get('/api/v1/discover/rows/tv-genre-18');
      expect(down.status).toBe(503);
      expect(down.body.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: expect.stringContaining('Overseerr is unavailable') });
    } finally {
      up.overseerr.recover();
    }
  });
});
