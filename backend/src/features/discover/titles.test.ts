/**
 * Title pages as a member sees them, against the strict fake Overseerr: a
 * movie's facts, cast, trailer link and Play on Plex; a show's seasons with
 * their availability and the member's own season-by-season requests;
 * recommendations and similar titles; all read as the member.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import type { TitleDetails, TitleListPage } from '@medianest/contracts';

let up: Upstreams;
let t: TestApp;
let alice: { id: string; cookie: string };

beforeAll(async () => {
  up = await startUpstreams();
  t = await createTestApp(up.env);
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
});

afterAll(async () => {
  await t?.cleanup();
  await up?.stop();
});

const get = (path: string) => request(t.app).get(path).set('Cookie', alice.cookie);
const title = async (type: 'movie' | 'tv', tmdbId: number) => {
  const res = await get(`/api/v1/discover/titles/${type}/${tmdbId}`);
  expect(res.status).toBe(200);
  return res.body as TitleDetails;
};

describe('title pages', () => {
  it('shows a movie with its facts, top cast, a trailer link and Play on Plex once it is in Plex, read as the member', async () => {
    const matrix = await title('movie', 603);
    expect(matrix).toMatchObject({
      title: 'The Matrix',
      year: 1999,
      runtime: 136,
      genres: ['Action', 'Science Fiction'],
      voteAverage: 8.2,
      availability: 'available',
      trailerUrl: 'https://www.youtube.com/watch?v=vKQi3bBA1y8',
      seasons: [],
    });
    expect(matrix.cast.slice(0, 2)).toEqual([
      { name: 'Keanu Reeves', character: 'Neo', profilePath: '/4D0PpNI0kmP58hgrwGC3wCjxhnm.jpg' },
      { name: 'Laurence Fishburne', character: 'Morpheus', profilePath: null },
    ]);
    expect(up.overseerr.requestsTo('/api/v1/movie/603').at(-1)?.headers['x-api-user']).toBe('2');
    // Dune is in Plex under rating key 3101: Play on Plex opens it on the household's server.
    const dune = await title('movie', 693134);
    expect(dune).toMatchObject({
      availability: 'available',
      runtime: 167,
      cast: [{ name: 'Timothée Chalamet', character: 'Paul Atreides' }, {}, {}],
    });
    expect(dune.playUrl).toBe(`https://app.plex.tv/desktop#!/server/${up.plex.machineIdentifier}/details?key=%2Flibrary%2Fmetadata%2F3101`);
  });

  it('offers no Play on Plex for a title not in Plex, and no trailer when Overseerr has none', async () => {
    const inception = await title('movie', 27205);
    expect(inception).toMatchObject({ availability: 'none', playUrl: null, trailerUrl: null, requestId: null });
  });

  it("lists every season of a show with where it stands and the member's own request, season by season", async () => {
    const severance = await title('tv', 95396);
    expect(severance.seasons.map((s) => [s.seasonNumber, s.availability, s.requestable])).toEqual([
      [1, 'available', false],
      [2, 'none', true],
    ]);

    const made = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', alice.cookie)
      .send({ mediaType: 'tv', tmdbId: 1399, seasons: [2] });
    expect(made.status).toBe(201);
    expect(up.overseerr.requestsTo('/api/v1/request', 'POST').at(-1)?.body).toMatchObject({ mediaType: 'tv', mediaId: 1399, seasons: [2] });

    const got = await title('tv', 1399);
    expect(got).toMatchObject({ title: 'Game of Thrones', runtime: 60, numberOfSeasons: 8 });
    expect(got.cast[0]).toEqual({ name: 'Emilia Clarke', character: 'Daenerys Targaryen', profilePath: null });
    const season = (n: number) => got.seasons.find((s) => s.seasonNumber === n)!;
    expect(season(2)).toMatchObject({
      availability: 'requested',
      requestable: false,
      requestStatus: 'pending',
      requestId: made.body.request.id,
    });
    expect(season(1)).toMatchObject({ availability: 'none', requestable: true, requestStatus: null, requestId: null });
    expect(season(3)).toMatchObject({ availability: 'none', requestable: true });
  });

  it("shows a season someone requested in Overseerr itself as requested, though it is not the member's", async () => {
    const res = await fetch(`${up.overseerr.url}/api/v1/request`, {
      method: 'POST',
      headers: { 'X-Api-Key': up.overseerr.apiKey, 'X-API-User': '3', 'Content-Type': 'application/json' },
      body: JSON.stringify({ mediaType: 'tv', mediaId: 95396, seasons: [2], is4k: false }),
    });
    expect(res.status).toBe(201);
    // Alice's cached copy is older than carol's request: a fresh member (bob) sees it at once.
    const bob = await createUser(t.app, t.container, 'bob', { email: 'owner@example.com' });
    const fresh = await request(t.app).get('/api/v1/discover/titles/tv/95396').set('Cookie', bob.cookie);
    expect(fresh.body.seasons.find((s: { seasonNumber: number }) => s.seasonNumber === 2)).toMatchObject({
      availability: 'requested',
      requestable: false,
      requestId: null,
    });
  });

  it('gives recommendations and similar titles as rows, read as the member', async () => {
    const recommended = await get('/api/v1/discover/titles/movie/693134/recommendations');
    expect(recommended.status).toBe(200);
    const recs = recommended.body as TitleListPage;
    expect(recs.results.length).toBeGreaterThan(5);
    expect(recs.results.every((r) => r.mediaType === 'movie' && r.tmdbId !== 693134)).toBe(true);
    const similar = (await get('/api/v1/discover/titles/tv/100088/similar?page=1')).body as TitleListPage;
    expect(similar.results.map((r) => r.title)).toContain('The Bear');
    expect(up.overseerr.requestsTo('/api/v1/tv/100088/similar').at(-1)?.headers['x-api-user']).toBe('2');
  });

  it('refuses bad types, ids and lists with a 400; an id Overseerr does not know is explained', async () => {
    for (const path of ['book/603', 'movie/-1', 'movie/abc', 'movie/603/sequels', 'movie/603/similar?page=0']) {
      const res = await get(`/api/v1/discover/titles/${path}`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const unknown = await get('/api/v1/discover/titles/movie/424242');
    expect(unknown.status).toBe(503);
    expect(unknown.body.error.message).toContain('Overseerr could not load movie 424242');
    const unknownRelated = await get('/api/v1/discover/titles/tv/424242/recommendations');
    expect(unknownRelated.status).toBe(503);
    expect(unknownRelated.body.error.message).toContain('Overseerr could not load show 424242');
  });
});
