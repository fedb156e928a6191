/**
 * Title states a real Seerr produces and MediaNest must read right: a media
 * left PENDING after its last request was cancelled, DELETED (gone from
 * Plex) and BLOCKLISTED titles, a refused request racing someone else's, a
 * search page with people in it, and a TV request being processed before
 * Seerr has season rows.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';

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

const ask = (tmdbId: number, mediaType = 'movie') =>
  request(t.app).post('/api/v1/media/requests').set('Cookie', alice.cookie).send({ mediaType, tmdbId });
const details = async (tmdbId: number, mediaType = 'movie') =>
  (await request(t.app).get(`/api/v1/media/${mediaType}/${tmdbId}`).set('Cookie', alice.cookie)).body as {
    availability: string;
    requestId: number | null;
  };

/** A request made in Overseerr itself by carol (Overseerr user 3), not through MediaNest. */
async function carolRequestsInOverseerr(tmdbId: number): Promise<number> {
  const res = await fetch(`${up.overseerr.url}/api/v1/request`, {
    method: 'POST',
    headers: { 'X-Api-Key': up.overseerr.apiKey, 'X-API-User': '3', 'Content-Type': 'application/json' },
    body: JSON.stringify({ mediaType: 'movie', mediaId: tmdbId, is4k: false }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

describe('titles as a real Seerr leaves them', () => {
  it('lets a member request a title again after cancelling, though Overseerr still says PENDING', async () => {
    // An older request was declined; alice's own is then cancelled: Seerr keeps the media PENDING (a request is left).
    await up.overseerr.decline(await carolRequestsInOverseerr(550));
    const first = await ask(550);
    expect(first.status).toBe(201);
    const cancelled = await request(t.app)
      .delete(`/api/v1/media/requests/${first.body.request.id}`)
      .set('Cookie', alice.cookie)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(cancelled.status).toBe(200);
    expect(await details(550)).toMatchObject({ availability: 'none', requestId: null });

    const again = await ask(550);
    expect(again.status).toBe(201);
    expect(up.overseerr.request(again.body.request.overseerrId as number)).toMatchObject({ status: 1, tmdbId: 550 });
  });

  it('shows a title deleted from Plex as not in the library, and requests it again', async () => {
    const first = await ask(155);
    expect(first.status).toBe(201);
    const overseerrId = first.body.request.overseerrId as number;
    await up.overseerr.approve(overseerrId);
    await up.overseerr.markAvailable(overseerrId);
    await t.container.requestSync.syncPending();
    expect(await details(155)).toMatchObject({ availability: 'available' });

    up.overseerr.setTitleStatus('movie', 155, 7); // DELETED: Plex no longer has it
    await t.container.overseerrGateway.invalidate('movie', 155);
    expect(await details(155)).toMatchObject({ availability: 'none', requestId: null });
    const again = await ask(155);
    expect(again.status).toBe(201);
    expect(again.body.request.status).toBe('pending');
  });

  it('shows a blocklisted title as blocked and refuses to request it, also when its cached details are older', async () => {
    up.overseerr.setTitleStatus('movie', 27205, 6);
    const search = await request(t.app).get('/api/v1/media/search').query({ q: 'inception' }).set('Cookie', alice.cookie);
    expect(search.body.results).toEqual([expect.objectContaining({ tmdbId: 27205, availability: 'blocklisted' })]);
    const calls = up.overseerr.requestsTo('/api/v1/request', 'POST').length;
    const refused = await ask(27205);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({ reason: 'BLOCKLISTED' });
    expect(up.overseerr.requestsTo('/api/v1/request', 'POST')).toHaveLength(calls);

    // Cached before it was blocked: Seerr's own 403 "This media is blocklisted." says the same.
    expect(await details(604)).toMatchObject({ availability: 'processing' });
    up.overseerr.setTitleStatus('movie', 604, 6);
    const stale = await ask(604);
    expect(stale.status).toBe(409);
    expect(stale.body.error.details).toMatchObject({ reason: 'BLOCKLISTED' });
  });

  it('forgets the cached availability of a title whose request Overseerr refused', async () => {
    expect(await details(605)).toMatchObject({ availability: 'none' });
    await carolRequestsInOverseerr(605);
    const refused = await ask(605);
    expect(refused.status).toBe(409);
    expect(await details(605)).toMatchObject({ availability: 'requested' });
  });

  it('counts only the titles it shows in a search', async () => {
    const res = await request(t.app).get('/api/v1/media/search').query({ q: 'keanu' }).set('Cookie', alice.cookie);
    expect(res.body).toMatchObject({ results: [], totalResults: 0 });
  });

  it('shows the season of an approved TV request as processing before Seerr has season rows', async () => {
    const res = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', alice.cookie)
      .send({ mediaType: 'tv', tmdbId: 1399, seasons: [2] });
    expect(res.status).toBe(201);
    await up.overseerr.approve(res.body.request.overseerrId as number);
    await t.container.requestSync.syncPending();
    const shown = await request(t.app).get(`/api/v1/media/requests/${res.body.request.id}`).set('Cookie', alice.cookie);
    expect(shown.body.request.status).toBe('processing');
    expect(shown.body.request.download.seasons).toEqual([{ seasonNumber: 2, state: 'processing' }]);
  });
});
