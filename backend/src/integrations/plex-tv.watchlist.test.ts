/**
 * The plex.tv watchlist client against the fake discover provider: every page read (start and
 * size as Plex takes them), each title's TMDB id from its Guid list — or, for a title listed without
 * one, from its own metadata (GET /library/metadata/{ratingKey}) —, the token in a header only and
 * never in a log line, a token plex.tv refuses as 410, and the calls measured like every upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { createTestApp, type TestApp } from '../../test/context';
import { startUpstreams, type Upstreams } from '../../test/fakes/upstreams';
import { captureLogs, registrySum, type CapturedLog } from '../../test/metrics-helpers';
import { guidNumber, WATCHLIST_PAGE_SIZE } from './plex-tv';

const TOKEN = 'plex-user-token-alice-Wl93kq';
const WATCHLIST_PATH = '/library/sections/watchlist/all';
const METADATA_PATH = '/library/metadata/';

let up: Upstreams;
let t: TestApp;
let logs: CapturedLog;

beforeAll(async () => {
  logs = captureLogs('debug');
  up = await startUpstreams();
  up.plexTv.addAccount(TOKEN, 'alice', ['sharedServer'], up.plex.machineIdentifier);
  t = await createTestApp(up.env);
});

afterAll(async () => {
  logs?.restore();
  await t?.cleanup();
  await up?.stop();
});

/** A movie entry as the discover provider lists it. */
const movie = (n: number) => ({
  ratingKey: `5d7768${String(n).padStart(18, '0')}`,
  guid: `plex://movie/5d7768${String(n).padStart(18, '0')}`,
  type: 'movie',
  title: `Movie ${n}`,
  year: 2000 + (n % 20),
  Guid: [{ id: `imdb://tt${1_000_000 + n}` }, { id: `tmdb://${10_000 + n}` }],
});

describe('plex.tv watchlist client', () => {
  it('reads movies and shows with their TMDB ids from the Guid list, and counts those without one', async () => {
    up.plexTv.setWatchlist(TOKEN, ['severance', 'inception', 'free-solo', 'the-matrix']);
    const items = await t.container.plexTv.watchlist(TOKEN);
    expect(items).toEqual([
      { ratingKey: '5ffcd8a60f15500040b9a6f0', mediaType: 'tv', title: 'Severance', year: 2022, tmdbId: 95396 },
      { ratingKey: '5d7768305e09e9001e7ab6c5', mediaType: 'movie', title: 'Inception', year: 2010, tmdbId: 27205 },
      { ratingKey: '5d7770d47b5a5a001f5c1d8b', mediaType: 'movie', title: 'Free Solo', year: 2018, tmdbId: null },
      { ratingKey: '5d776825880197001ec967c3', mediaType: 'movie', title: 'The Matrix', year: 1999, tmdbId: 603 },
    ]);
    const [sent] = up.plexTv.requestsTo(WATCHLIST_PATH).slice(-1);
    expect(sent!.query).toEqual({ includeGuids: '1', 'X-Plex-Container-Start': '0', 'X-Plex-Container-Size': String(WATCHLIST_PAGE_SIZE) });
    expect(sent!.headers['x-plex-token']).toBe(TOKEN);
    expect(sent!.headers['x-plex-client-identifier']).toBeTruthy();
  });

  it("looks a title listed without a TMDB id up by its rating key, with the member's token, and only those", async () => {
    up.plexTv.setWatchlist(TOKEN, ['the-matrix-reloaded', 'inception', 'the-allotment-hour']);
    const before = up.plexTv.requestsTo(METADATA_PATH).length;
    const lookups = () =>
      registrySum(
        'medianest_external_api_duration_seconds',
        { service: 'plex-tv', operation: 'getMetadata' },
        'medianest_external_api_duration_seconds_count',
      );
    const measured = await lookups();
    const items = await t.container.plexTv.watchlist(TOKEN);
    expect(items).toEqual([
      { ratingKey: '5d776826961905001eb90a1c', mediaType: 'movie', title: 'The Matrix Reloaded', year: 2003, tmdbId: 604 },
      { ratingKey: '5d7768305e09e9001e7ab6c5', mediaType: 'movie', title: 'Inception', year: 2010, tmdbId: 27205 },
      // Plex knows this show by its TVDB id only; Overseerr takes shows by TMDB id, so it cannot be looked up there.
      { ratingKey: '60a3f1c2e4b0a4002c7d19e5', mediaType: 'tv', title: 'The Allotment Hour', year: 2019, tmdbId: null },
    ]);
    const asked = up.plexTv.requestsTo(METADATA_PATH).slice(before);
    expect(asked.map((r) => r.path).sort()).toEqual([
      `${METADATA_PATH}5d776826961905001eb90a1c`,
      `${METADATA_PATH}60a3f1c2e4b0a4002c7d19e5`,
    ]);
    for (const r of asked) {
      expect(r.headers['x-plex-token']).toBe(TOKEN);
      expect(r.headers.accept).toBe('application/json');
    }
    expect(await lookups()).toBe(measured + 2);
    expect(logs.text()).not.toContain(TOKEN);
  });

  it('keeps a title the discover provider no longer knows (404) as it was listed, without a TMDB id', async () => {
    up.plexTv.setWatchlist(TOKEN, [{ ...movie(7), Guid: [{ id: 'imdb://tt1000007' }] }, 'the-matrix-reloaded']);
    const items = await t.container.plexTv.watchlist(TOKEN);
    expect(items.map((i) => [i.title, i.tmdbId])).toEqual([
      ['Movie 7', null],
      ['The Matrix Reloaded', 604],
    ]);
  });

  it('answers 503 when the lookup fails, and 410 when plex.tv refuses the token there', async () => {
    up.plexTv.setWatchlist(TOKEN, ['the-matrix-reloaded']);
    try {
      up.plexTv.failMetadataWith(502);
      await expect(t.container.plexTv.watchlist(TOKEN)).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
      up.plexTv.failMetadataWith(401);
      await expect(t.container.plexTv.watchlist(TOKEN)).rejects.toMatchObject({ status: 410, code: 'GONE' });
    } finally {
      up.plexTv.failMetadataWith(undefined);
    }
  });

  it('pages through a long watchlist until totalSize', async () => {
    up.plexTv.setWatchlist(
      TOKEN,
      Array.from({ length: 250 }, (_, i) => movie(i)),
    );
    const before = up.plexTv.requestsTo(WATCHLIST_PATH).length;
    const items = await t.container.plexTv.watchlist(TOKEN);
    expect(items).toHaveLength(250);
    expect(items[249]).toMatchObject({ title: 'Movie 249', tmdbId: 10_249 });
    const pages = up.plexTv.requestsTo(WATCHLIST_PATH).slice(before);
    expect(pages.map((p) => p.query['X-Plex-Container-Start'])).toEqual(['0', '100', '200']);
  });

  it('reads an empty watchlist in one call', async () => {
    up.plexTv.setWatchlist(TOKEN, []);
    const before = up.plexTv.requestsTo(WATCHLIST_PATH).length;
    expect(await t.container.plexTv.watchlist(TOKEN)).toEqual([]);
    expect(up.plexTv.requestsTo(WATCHLIST_PATH).length - before).toBe(1);
  });

  it('answers 410 for a token plex.tv no longer accepts', async () => {
    const err = await t.container.plexTv.watchlist('plex-token-nobody-knows-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 410, code: 'GONE' });
  });

  it('measures the call and never writes the token to a log line, also when plex.tv fails', async () => {
    const calls = () =>
      registrySum(
        'medianest_external_api_duration_seconds',
        { service: 'plex-tv', operation: 'getWatchlist' },
        'medianest_external_api_duration_seconds_count',
      );
    const before = await calls();
    up.plexTv.setWatchlist(TOKEN, ['inception']);
    up.plexTv.failWith(502);
    await expect(t.container.plexTv.watchlist(TOKEN)).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    up.plexTv.recover();
    expect(await calls()).toBe(before + 1);
    expect(logs.lines.some((l) => l.event === 'upstream.failed' && l.operation === 'getWatchlist')).toBe(true);
    expect(logs.text()).not.toContain(TOKEN);
  });

  it('takes the number of the first Guid of a scheme', () => {
    expect(guidNumber([{ id: 'imdb://tt0133093' }, { id: 'tmdb://603' }, { id: 'tvdb://169' }], 'tmdb')).toBe(603);
    expect(guidNumber([{ id: 'tmdb://abc' }], 'tmdb')).toBeNull();
    expect(guidNumber(undefined, 'tvdb')).toBeNull();
  });
});
