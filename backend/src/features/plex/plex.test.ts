import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, logger, setLogger } from '../../observability/logging/logger';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { FAKE_PLEX_TOKEN, startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';

let up: Upstreams;
let t: TestApp;
let user: { id: string; cookie: string };
const lines: string[] = [];
const previousLogger = logger();

beforeAll(async () => {
  setLogger(
    createLogger({ level: 'debug', version: 'test', environment: 'test', destination: { write: (s: string) => void lines.push(s) } }),
  );
  up = await startUpstreams();
  t = await createTestApp(up.env);
  user = await createUser(t.app, t.container, 'erin');
});

afterAll(async () => {
  setLogger(previousLogger);
  await t?.cleanup();
  await up?.stop();
});

const get = (path: string) => request(t.app).get(path).set('Cookie', user.cookie);

describe('Plex library', () => {
  it('lists libraries, asking Plex for JSON with the token in a header', async () => {
    const res = await get('/api/v1/plex/libraries');
    expect(res.status).toBe(200);
    expect(res.body.libraries).toEqual([
      { key: '1', type: 'movie', title: 'Movies', updatedAt: '2024-05-18T02:40:00.000Z', scannedAt: '2024-05-18T02:40:00.000Z' },
      expect.objectContaining({ key: '2', type: 'show', title: 'TV Shows' }),
    ]);
    const call = up.plex.requestsTo('/library/sections').at(-1)!;
    expect(call.headers['x-plex-token']).toBe(FAKE_PLEX_TOKEN);
    expect(call.headers.accept).toBe('application/json');
    expect(JSON.stringify(call.query)).not.toContain(FAKE_PLEX_TOKEN);
  });

  it('gives every library item a Play on Plex link to this server (machine identifier from /identity, the item by rating key)', async () => {
    const server = up.plex.machineIdentifier;
    const page = await get('/api/v1/plex/libraries/1/items?page=1');
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    for (const item of page.body.items as { ratingKey: string; playUrl: string }[]) {
      expect(item.playUrl).toBe(`https://app.plex.tv/desktop#!/server/${server}/details?key=%2Flibrary%2Fmetadata%2F${item.ratingKey}`);
    }
    const recent = await get('/api/v1/plex/recently-added');
    expect(recent.body.items.find((i: { ratingKey: string }) => i.ratingKey === '58683').playUrl).toContain(
      `/server/${server}/details?key=%2Flibrary%2Fmetadata%2F58683`,
    );
    const found = await get('/api/v1/plex/search?q=matrix');
    expect(found.body.results[0].playUrl).toContain(`/server/${server}/`);
  });

  it('pages a library with container headers and exposes TMDB ids and proxied posters', async () => {
    const res = await get('/api/v1/plex/libraries/1/items?page=1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 50, total: 3, totalPages: 1 });
    expect(res.body.items[0]).toMatchObject({
      ratingKey: '58683',
      type: 'movie',
      title: 'Avatar: The Way of Water',
      year: 2022,
      tmdbId: 76600,
      thumbUrl: '/api/v1/plex/image?path=%2Flibrary%2Fmetadata%2F58683%2Fthumb%2F1703239236',
      addedAt: '2023-12-22T09:56:40.000Z',
    });
    const call = up.plex.requestsTo('/library/sections/1/all').at(-1)!;
    expect(call.headers['x-plex-container-start']).toBe('0');
    expect(call.headers['x-plex-container-size']).toBe('50');
    expect(call.query.includeGuids).toBe('1');

    const poster = await get(res.body.items[0].thumbUrl);
    expect(poster.status).toBe(200);
    expect(poster.headers['content-type']).toBe('image/png');
    expect(poster.headers['cache-control']).toBe('private, max-age=86400');
  });

  it('answers 404 for an unknown library and 400 for bad input', async () => {
    expect((await get('/api/v1/plex/libraries/9/items')).status).toBe(404);
    expect((await get('/api/v1/plex/libraries/abc/items')).status).toBe(400);
    expect((await get('/api/v1/plex/libraries/1/items?page=0')).status).toBe(400);
    expect((await get('/api/v1/plex/search')).status).toBe(400);
    expect((await get('/api/v1/plex/image?path=/etc/passwd')).status).toBe(400);
    expect((await get('/api/v1/plex/image?path=https://evil.example/x')).status).toBe(400);
  });

  it('searches the server and lists recently added items', async () => {
    const found = await get('/api/v1/plex/search?q=matrix');
    expect(found.status).toBe(200);
    expect(found.body.results).toEqual([expect.objectContaining({ ratingKey: '1021', title: 'The Matrix', year: 1999 })]);
    const recent = await get('/api/v1/plex/recently-added');
    expect(recent.status).toBe(200);
    expect(recent.body.items[0]).toMatchObject({
      type: 'episode',
      title: 'Cold Harbor',
      showTitle: 'Severance',
      seasonNumber: 2,
      episodeNumber: 10,
    });
  });

  it('refreshes libraries and recently added into the cache (plex-sync job)', async () => {
    const sections = up.plex.requestsTo('/library/sections', 'GET').filter((r) => r.path === '/library/sections').length;
    const recent = up.plex.requestsTo('/library/recentlyAdded').length;
    await t.container.library.refreshCaches();
    expect(up.plex.requestsTo('/library/sections').filter((r) => r.path === '/library/sections')).toHaveLength(sections + 1);
    expect(up.plex.requestsTo('/library/recentlyAdded')).toHaveLength(recent + 1);
    await get('/api/v1/plex/libraries');
    await get('/api/v1/plex/recently-added');
    expect(up.plex.requestsTo('/library/sections').filter((r) => r.path === '/library/sections')).toHaveLength(sections + 1);
    expect(up.plex.requestsTo('/library/recentlyAdded')).toHaveLength(recent + 1);
  });

  it('is for signed-in users only', async () => {
    for (const path of [
      '/api/v1/plex/libraries',
      '/api/v1/plex/libraries/1/items',
      '/api/v1/plex/search?q=x',
      '/api/v1/plex/recently-added',
    ]) {
      expect((await request(t.app).get(path)).status).toBe(401);
    }
  });

  it('answers 503 NOT_CONFIGURED without PLEX_URL', async () => {
    const { PLEX_URL: _url, PLEX_TOKEN: _token, ...env } = up.env;
    const bare = await createTestApp(env);
    try {
      const someone = await createUser(bare.app, bare.container, 'frank');
      const res = await request(bare.app).get('/api/v1/plex/libraries').set('Cookie', someone.cookie);
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({ code: 'NOT_CONFIGURED', message: 'Plex is not configured on this server' });
      expect(bare.container.plex).toBeUndefined();
      await bare.container.library.refreshCaches(); // the plex-sync job has nothing to do
    } finally {
      await bare.cleanup();
    }
  });

  it('answers 503 naming Plex when the server is down', async () => {
    up.plex.failWith(500);
    try {
      const res = await get('/api/v1/plex/search?q=back to');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe('Plex is unavailable right now (it answered 500)');
    } finally {
      up.plex.recover();
    }
  });

  it('never logs the Plex token', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).not.toContain(FAKE_PLEX_TOKEN);
  });
});
