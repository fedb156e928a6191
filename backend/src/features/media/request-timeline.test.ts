import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBackgroundJobs } from '../../background-jobs';
import { mediaRequestEvents, mediaRequests } from '../../db/schema';
import { createJobQueue } from '../../jobs/create-job-queue';
import { requestsStalled } from '../../observability/metrics/catalog';
import type { DomainEvents } from '../../realtime/events';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { FAKE_WEBHOOK_SECRET, listen, startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { registrySum } from '../../../test/metrics-helpers';
import { waitFor } from '../../../test/tcp-proxy';
import { MediaRequestsRepository } from './requests.repository';

let up: Upstreams;
let t: TestApp;
let server: { url: string; close(): Promise<void> };
let admin: string;
let alice: { id: string; cookie: string };
let carol: { id: string; cookie: string };

beforeAll(async () => {
  up = await startUpstreams();
  t = await createTestApp(up.env);
  server = await listen(t.app);
  up.overseerr.setWebhook(`${server.url}/api/v1/webhooks/overseerr`, FAKE_WEBHOOK_SECRET);
  admin = await loginCookie(t.app);
  // Overseerr users 2 (alice) and 3 (carol) by e-mail; Overseerr user 1, "owner", approves and declines.
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com' });
});

afterAll(async () => {
  await server?.close();
  await t?.cleanup();
  await up?.stop();
});

interface Detail {
  id: number;
  overseerrId: number;
  status: string;
  stalled: boolean;
  playUrl: string | null;
  timeline: { step: string; actor: string | null; at: string }[];
  estimate: {
    mediaType: string;
    approval: string;
    samples: number;
    minimumSamples: number;
    medianSeconds: number | null;
    p90Seconds: number | null;
  } | null;
  download: {
    percent: number;
    estimatedCompletionAt: string | null;
    items: {
      title: string;
      percent: number;
      status: string;
      seasonNumber: number | null;
      episodeNumber: number | null;
      estimatedCompletionAt: string | null;
    }[];
    seasons: { seasonNumber: number; state: string }[];
  } | null;
}

async function ask(user: { cookie: string }, body: Record<string, unknown>): Promise<Detail> {
  const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', user.cookie).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.request as Detail;
}

async function show(id: number, cookie = alice.cookie): Promise<Detail> {
  const res = await request(t.app).get(`/api/v1/media/requests/${id}`).set('Cookie', cookie);
  expect(res.status).toBe(200);
  return res.body.request as Detail;
}

/**
 * The owner approves in Overseerr. Like Seerr, the fake sends MEDIA_APPROVED before the media turns
 * PROCESSING; the follow-up read (REQUEST_FOLLOW_UP_SECONDS, fast in tests) brings "processing".
 */
async function approveInOverseerr(made: Detail): Promise<void> {
  await up.overseerr.approve(made.overseerrId, 1);
  await waitFor(async () => (await show(made.id, admin)).status === 'processing', 10_000);
}

const steps = (d: Detail) => d.timeline.map((e) => (e.actor ? `${e.step} by ${e.actor}` : e.step));

async function stalledGauge(): Promise<number> {
  return (await requestsStalled.get()).values[0]?.value ?? 0;
}

/** Moves the request (and its "requested" step) back in time, as if it had been made that long ago. */
async function madeHoursAgo(id: number, hours: number): Promise<void> {
  const at = new Date(Date.now() - hours * 3_600_000);
  await t.container.database.db.update(mediaRequests).set({ createdAt: at }).where(eq(mediaRequests.id, id));
  await t.container.database.db
    .update(mediaRequestEvents)
    .set({ at })
    .where(and(eq(mediaRequestEvents.requestId, id), eq(mediaRequestEvents.step, 'requested')));
}

/** Moves the request's approval back in time, as if it had waited that long. */
async function approvedHoursAgo(id: number, hours: number): Promise<void> {
  await t.container.database.db
    .update(mediaRequests)
    .set({ approvedAt: new Date(Date.now() - hours * 3_600_000) })
    .where(eq(mediaRequests.id, id));
}

describe('request timeline', () => {
  it('follows a movie from request through approval and download progress to a Play on Plex link, pushing progress only when it changes', async () => {
    const made = await ask(alice, { mediaType: 'movie', tmdbId: 155 });
    expect(made).toMatchObject({ status: 'pending', download: null, stalled: false });
    expect(steps(await show(made.id))).toEqual(['requested by alice']);

    const progress: DomainEvents['request.progress'][] = [];
    const stop = t.container.events.subscribe('request.progress', (e) => progress.push(e));
    try {
      // The owner approves in Overseerr; the webhook names no approver, Overseerr's modifiedBy does.
      await approveInOverseerr(made);
      let d = await show(made.id);
      expect(d.status).toBe('processing');
      expect(steps(d)).toEqual(['requested by alice', 'approved by owner', 'processing']);

      // Nothing queued yet: Overseerr says [] and nothing is pushed.
      await t.container.requestSync.refreshProgress();
      expect(progress).toHaveLength(0);
      expect((await show(made.id)).download).toBeNull();

      up.overseerr.startDownload(made.overseerrId, { size: 4_000_000_000 });
      expect(await t.container.requestSync.refreshProgress()).toMatchObject({ changed: 1 });
      d = await show(made.id);
      expect(d.download).toMatchObject({
        percent: 0,
        items: [{ title: 'The.Dark.Knight.2160p.WEB-DL.DDP5.1.x265-GROUP', status: 'downloading', percent: 0 }],
      });
      expect(Date.parse(d.download!.estimatedCompletionAt!)).toBeGreaterThan(Date.now());
      expect(steps(d)).toEqual(['requested by alice', 'approved by owner', 'processing', 'downloading']);
      expect(progress).toHaveLength(1);

      // The same queue again: nothing new for the browser.
      expect(await t.container.requestSync.refreshProgress()).toMatchObject({ changed: 0 });
      expect(progress).toHaveLength(1);

      up.overseerr.advanceDownload(made.overseerrId, 0.625);
      await t.container.requestSync.refreshProgress();
      expect(progress).toHaveLength(2);
      expect(progress[1]).toMatchObject({ requestId: made.id, userId: alice.id, status: 'processing', stalled: false });
      expect(progress[1]!.download!.percent).toBe(62.5);
      expect((await show(made.id)).download!.items[0]!.percent).toBe(62.5);
    } finally {
      stop();
    }

    // Imported, then found by a library scan with its Plex rating key.
    up.overseerr.finishDownload(made.overseerrId);
    await up.overseerr.markAvailable(made.overseerrId, '58683');
    const done = await show(made.id);
    expect(done.status).toBe('available');
    expect(done.download).toBeNull();
    expect(steps(done)).toEqual(['requested by alice', 'approved by owner', 'processing', 'downloading', 'available']);
    expect(done.playUrl).toBe(
      `https://app.plex.tv/desktop#!/server/${up.plex.machineIdentifier}/details?key=%2Flibrary%2Fmetadata%2F58683`,
    );
    // Each step carries its time, in order.
    const times = done.timeline.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('shows a TV request per episode and per season while it downloads', async () => {
    const made = await ask(carol, { mediaType: 'tv', tmdbId: 1399, seasons: [1, 2] });
    await approveInOverseerr(made);
    up.overseerr.startDownload(made.overseerrId, { episodes: 2, size: 1_000_000_000 });
    up.overseerr.advanceDownload(made.overseerrId, 0.25);
    await t.container.requestSync.refreshProgress();
    const d = await show(made.id, carol.cookie);
    expect(d.download!.items.map((i) => [i.seasonNumber, i.episodeNumber, i.percent])).toEqual([
      [1, 1, 25],
      [1, 2, 25],
      [2, 1, 25],
      [2, 2, 25],
    ]);
    expect(d.download!.items[0]!.title).toBe('Game.of.Thrones.S01E01.1080p.WEB.h264-GROUP');
    expect(d.download!.percent).toBe(25);
    expect(d.download!.seasons).toEqual([
      { seasonNumber: 1, state: 'processing' },
      { seasonNumber: 2, state: 'processing' },
    ]);

    // The same, done by the request-progress background job rather than by hand.
    up.overseerr.advanceDownload(made.overseerrId, 0.75);
    const jobs = createJobQueue(t.config, t.container.redis);
    try {
      expect(defineBackgroundJobs({ ...t.container, jobs })).toContain('request-progress');
      const before = await registrySum('medianest_background_jobs_total', { queue: 'request-progress', status: 'completed' });
      await jobs.start({ process: true });
      await waitFor(
        async () => (await registrySum('medianest_background_jobs_total', { queue: 'request-progress', status: 'completed' })) > before,
        15_000,
      );
    } finally {
      await jobs.close(2_000);
    }
    expect((await show(made.id, carol.cookie)).download!.percent).toBe(75);
  });

  it('says who declined a request', async () => {
    const made = await ask(alice, { mediaType: 'movie', tmdbId: 550 });
    await up.overseerr.decline(made.overseerrId, 1);
    const d = await show(made.id);
    expect(d.status).toBe('declined');
    expect(steps(d)).toEqual(['requested by alice', 'declined by owner']);
    expect(d.playUrl).toBeNull();
  });

  it('records an approval the webhook missed when the request-sync job finds it', async () => {
    const made = await ask(carol, { mediaType: 'tv', tmdbId: 95396, seasons: [2] });
    up.overseerr.silentlySet(made.overseerrId, 2, 3);
    // Requested 26 hours ago, approved in Overseerr 25 hours ago: the stall clock starts then, not when MediaNest heard of it.
    await madeHoursAgo(made.id, 26);
    const approvedAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    up.overseerr.request(made.overseerrId)!.updatedAt = approvedAt;
    await t.container.requestSync.syncPending();
    const d = await show(made.id, carol.cookie);
    expect(d.status).toBe('processing');
    expect(d.timeline.map((e) => e.step)).toEqual(['requested', 'approved', 'processing']);
    expect(d.timeline.find((e) => e.step === 'approved')?.at).toBe(approvedAt);
    expect(d.stalled).toBe(true);
    expect(d.download!.seasons).toEqual([{ seasonNumber: 2, state: 'processing' }]);
  });
});

describe('stalled requests', () => {
  it('marks an approved request with nothing downloading after the configured 24 h as stalled, on its page, in the admin list and in the gauge', async () => {
    const before = await stalledGauge();
    const made = await ask(alice, { mediaType: 'movie', tmdbId: 27205 });
    await approveInOverseerr(made);
    await approvedHoursAgo(made.id, 23);
    expect((await show(made.id)).stalled).toBe(false);
    await approvedHoursAgo(made.id, 25);
    expect((await show(made.id)).stalled).toBe(true);
    expect(await stalledGauge()).toBe(before + 1);
    const list = await request(t.app).get('/api/v1/media/requests?status=processing').set('Cookie', admin);
    expect(list.body.requests.find((r: Detail) => r.id === made.id).stalled).toBe(true);

    // Something starts downloading: no longer stalled.
    up.overseerr.startDownload(made.overseerrId);
    await t.container.requestSync.refreshProgress();
    expect((await show(made.id)).stalled).toBe(false);
    expect(await stalledGauge()).toBe(before);
    up.overseerr.finishDownload(made.overseerrId);
    await t.container.requestSync.refreshProgress();
    expect((await show(made.id)).stalled).toBe(true);
  });

  it('lets an administrator retry a stalled request in Overseerr, which restarts the clock', async () => {
    const made = await ask(alice, { mediaType: 'tv', tmdbId: 1399, seasons: [3] });
    await approveInOverseerr(made);
    const notStalled = await request(t.app)
      .post(`/api/v1/media/requests/${made.id}/retry`)
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(notStalled.status).toBe(409);
    expect(notStalled.body.error.details.reason).toBe('NOT_RETRYABLE');

    await approvedHoursAgo(made.id, 30);
    expect((await show(made.id)).stalled).toBe(true);
    const gaugeBefore = await stalledGauge();
    // Members may not retry; a bad id is a 400 naming it.
    expect(
      (
        await request(t.app)
          .post(`/api/v1/media/requests/${made.id}/retry`)
          .set('Cookie', alice.cookie)
          .set('X-Requested-With', 'XMLHttpRequest')
      ).status,
    ).toBe(403);
    const bad = await request(t.app)
      .post('/api/v1/media/requests/abc/retry')
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/id/);

    const retried = await request(t.app)
      .post(`/api/v1/media/requests/${made.id}/retry`)
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(retried.status).toBe(200);
    expect(up.overseerr.retried).toEqual([made.overseerrId]);
    expect(retried.body.request.stalled).toBe(false);
    expect(retried.body.request.timeline.at(-1)).toMatchObject({ step: 'retried', actor: 'admin' });
    expect(await stalledGauge()).toBe(gaugeBefore - 1);
  });

  it('lets an administrator retry a failed request, which goes back to processing', async () => {
    const made = await ask(alice, { mediaType: 'movie', tmdbId: 605 });
    await approveInOverseerr(made);
    await up.overseerr.failRequest(made.overseerrId);
    expect((await show(made.id)).status).toBe('failed');
    const retried = await request(t.app)
      .post(`/api/v1/media/requests/${made.id}/retry`)
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(retried.status).toBe(200);
    expect(retried.body.request.status).toBe('processing');
    expect(retried.body.request.timeline.map((e: { step: string }) => e.step).slice(-3)).toEqual(['failed', 'retried', 'processing']);
  });
});

describe('fulfilment estimate', () => {
  const HOUR = 3600;

  /** A TV request carol made `hours` before it became available, approved by hand (history, as the table keeps it). */
  async function fulfilledTv(hours: number): Promise<void> {
    const repo = new MediaRequestsRepository(t.container.database);
    const availableAt = new Date(Date.now() - 86_400_000);
    const row = await repo.create({
      userId: carol.id,
      mediaType: 'tv',
      tmdbId: 1399,
      title: 'Game of Thrones',
      seasons: [0],
      status: 'declined',
    });
    const requestedAt = new Date(availableAt.getTime() - hours * HOUR * 1000);
    await t.container.database.db
      .update(mediaRequests)
      .set({ createdAt: requestedAt, status: 'available' })
      .where(eq(mediaRequests.id, row.id));
    await repo.addEvent(row.id, 'requested', 'carol', requestedAt);
    await repo.addEvent(row.id, 'available', null, availableAt);
  }

  const fulfilled = () => registrySum('medianest_request_fulfilment_seconds', { type: 'tv' }, 'medianest_request_fulfilment_seconds_count');

  it('says "usually available within" from similar fulfilled requests only once there are enough, and counts each fulfilment once', async () => {
    for (const hours of [1, 2, 3, 4]) await fulfilledTv(hours);
    // Carol's Severance request from above, approved by hand and still processing.
    const list = await request(t.app).get('/api/v1/media/requests').set('Cookie', carol.cookie);
    const made = (list.body.requests as (Detail & { tmdbId: number })[]).find((r) => r.tmdbId === 95396)!;
    expect(made.status).toBe('processing');
    // Four similar requests are too few to say anything.
    expect((await show(made.id, carol.cookie)).estimate).toEqual({
      mediaType: 'tv',
      approval: 'manual',
      samples: 4,
      minimumSamples: 5,
      medianSeconds: null,
      p90Seconds: null,
    });
    for (const hours of [5, 10]) await fulfilledTv(hours);
    // Six: the median is the 3rd (3 h), 9 in 10 within the 6th (10 h). Movies and auto-approved requests are not similar.
    expect((await show(made.id, carol.cookie)).estimate).toMatchObject({ samples: 6, medianSeconds: 3 * HOUR, p90Seconds: 10 * HOUR });

    // It becomes available through the webhook: one observation, also when Overseerr's webhook is delivered again.
    const before = await fulfilled();
    expect(await up.overseerr.markAvailable(made.overseerrId)).toBe(200);
    expect(await fulfilled()).toBe(before + 1);
    expect(await up.overseerr.sendWebhook(up.overseerr.webhookPayload('MEDIA_AVAILABLE', made.overseerrId))).toBe(200);
    await t.container.requestSync.syncPending();
    expect(await fulfilled()).toBe(before + 1);
    const done = await show(made.id, carol.cookie);
    expect(done.estimate).toBeNull();
    expect(done.timeline.filter((e) => e.step === 'available')).toHaveLength(1);

    // The same request recorded concurrently by two deliveries: still one.
    const repo = new MediaRequestsRepository(t.container.database);
    expect(await repo.addEvent(made.id, 'available', null)).toBeUndefined();
  });

  it('observes a fulfilment found by the request-sync job (a lost webhook) in the histogram', async () => {
    const made = await ask(carol, { mediaType: 'movie', tmdbId: 550 });
    const movies = () =>
      registrySum('medianest_request_fulfilment_seconds', { type: 'movie' }, 'medianest_request_fulfilment_seconds_count');
    const before = await movies();
    up.overseerr.silentlySet(made.overseerrId, 2, 5);
    await t.container.requestSync.syncPending();
    expect((await show(made.id, carol.cookie)).status).toBe('available');
    expect(await movies()).toBe(before + 1);
    await t.container.requestSync.syncPending();
    expect(await movies()).toBe(before + 1);
  });
});
