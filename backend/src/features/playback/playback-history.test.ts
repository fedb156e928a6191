import type { MyPlaybackHistory, PlaybackHistory } from '@medianest/contracts';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineBackgroundJobs } from '../../background-jobs';
import { playbackSessions } from '../../db/schema';
import { loginCookie } from '../../../test/auth-helpers';
import { createTestApp, testMode, type TestApp } from '../../../test/context';
import { aliceDirectPlay, bobHardwareTranscode, carolWanStream, startEvening } from '../../../test/fakes/plex-evening';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { PlaybackHistoryRepository } from './playback-history.repository';
import type { PlaybackMonitor } from './playback-monitor';
import { byMember, startWatchingApp, WAIT } from '../../../test/playback-app';

let up: Upstreams;
beforeAll(async () => {
  up = await startUpstreams();
});
afterAll(async () => {
  await up.stop();
});

const rows = (t: TestApp) => t.container.database.db.select().from(playbackSessions).orderBy(playbackSessions.id);
const historyOf = async (t: TestApp, cookie: string, query = '') =>
  (await request(t.app).get(`/api/v1/playback/history${query}`).set('cookie', cookie).expect(200)).body as MyPlaybackHistory;
/** Waits until the watcher has read /status/sessions once more and its history writes are in. */
async function settled(t: TestApp, monitor: PlaybackMonitor): Promise<void> {
  await monitor.refresh();
  await t.container.playbackRecorder.idle();
}

describe('Playback history', () => {
  let t: TestApp;
  let monitor: PlaybackMonitor;
  let cookies: Map<string, string>;
  afterEach(async () => {
    for (const key of [...up.plex.playback.streams.keys()]) up.plex.playback.vanish(key);
    await t.cleanup();
  });

  it('records each play once from start to end, with how long it was watched, and answers who watched what', async () => {
    ({ t, monitor, cookies } = await startWatchingApp(up));
    startEvening(up.plex.playback);
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(3), WAIT);
    // Socket notifications, a second read and a reconcile read all see the same three streams.
    await settled(t, monitor);
    await settled(t, monitor);
    expect((await rows(t)).map((r) => [r.title, r.endedAt])).toEqual([
      ['Avatar: The Way of Water', null],
      ['Hello, Ms. Cobel', null],
      ['The Matrix', null],
    ]);

    // Alice watches five minutes and stops (socket); bob's stream vanishes after five minutes (found by a read).
    up.plex.playback.update(aliceDirectPlay.sessionKey, { viewOffset: 900_000 });
    await vi.waitFor(() => expect(byMember(monitor, 'alice')?.viewOffsetMs).toBe(900_000), WAIT);
    up.plex.playback.stop(aliceDirectPlay.sessionKey);
    up.plex.playback.update(bobHardwareTranscode.sessionKey, { viewOffset: 420_000 });
    await vi.waitFor(() => expect(byMember(monitor, 'bob')?.viewOffsetMs).toBe(420_000), WAIT);
    up.plex.playback.vanish(bobHardwareTranscode.sessionKey);
    await settled(t, monitor); // the reconcile read finds bob gone
    expect(monitor.streams()).toHaveLength(1);
    // Carol's position never moves (a client that does not report it): the time observed counts, 20 minutes here.
    await t.container.database.db
      .update(playbackSessions)
      .set({ startedAt: sql`now() - interval '20 minutes'` })
      .where(eq(playbackSessions.sessionKey, carolWanStream.sessionKey));
    up.plex.playback.stop(carolWanStream.sessionKey);
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(0), WAIT);
    // Bob starts the next episode.
    up.plex.playback.play({
      ...bobHardwareTranscode,
      sessionKey: '14',
      item: { ...bobHardwareTranscode.item, index: 2, title: 'Who Is Alive?' },
    });
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(1), WAIT);
    await settled(t, monitor);
    await settled(t, monitor);

    const all = await rows(t);
    expect(all).toHaveLength(4);
    expect(all.map((r) => [r.title, r.watchedSeconds, r.endedAt !== null])).toEqual([
      ['Avatar: The Way of Water', 300, true],
      ['Hello, Ms. Cobel', 300, true],
      ['The Matrix', expect.any(Number), true],
      ['Who Is Alive?', null, false],
    ]);
    expect(all[2]!.watchedSeconds).toBeGreaterThanOrEqual(1200);
    expect(all[2]!.watchedSeconds).toBeLessThan(1260);

    const admin = await loginCookie(t.app);
    const week = (await request(t.app).get('/api/v1/admin/playback/history?days=7').set('cookie', admin).expect(200))
      .body as PlaybackHistory;
    expect(week.days).toBe(7);
    expect(week.plays).toHaveLength(4);
    expect(week.plays.find((p) => p.title === 'Hello, Ms. Cobel')).toMatchObject({
      member: { username: 'bob' },
      show: 'Severance',
      season: 2,
      episode: 1,
      player: 'Chrome',
      product: 'Plex Web',
      decision: 'transcode',
      location: 'lan',
      watchedSeconds: 300,
    });
    expect(week.topTitles[0]).toEqual({ title: 'Severance', plays: 2, watchedSeconds: 300 });
    expect(week.topTitles.map((x) => x.title).sort()).toEqual(['Avatar: The Way of Water', 'Severance', 'The Matrix']);
    expect(week.perMember.map((m) => [m.member?.username, m.plays])).toEqual([['bob', 2], expect.anything(), expect.anything()]);
    expect(Object.fromEntries(week.perMember.map((m) => [m.member?.username, m.plays]))).toEqual({ alice: 1, bob: 2, carol: 1 });

    // Each member sees their own plays only.
    const carol = await historyOf(t, cookies.get('carol')!);
    expect(carol.plays.map((p) => [p.title, p.product, p.location])).toEqual([['The Matrix', 'Plex for iOS', 'wan']]);
    const bob = await historyOf(t, cookies.get('bob')!, '?days=1');
    expect(bob.plays.map((p) => p.title)).toEqual(['Who Is Alive?', 'Hello, Ms. Cobel']);
    await request(t.app).get('/api/v1/admin/playback/history').set('cookie', cookies.get('bob')!).expect(403);
    await request(t.app).get('/api/v1/playback/history').expect(401);
  });

  it('refuses a window that is not a whole number of days with a 400 naming the problem', async () => {
    ({ t, monitor, cookies } = await startWatchingApp(up));
    const admin = await loginCookie(t.app);
    for (const days of ['abc', '0', '1.5', '99999']) {
      const res = await request(t.app).get(`/api/v1/admin/playback/history?days=${days}`).set('cookie', admin).expect(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid query' });
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'days' })]);
    }
    await request(t.app).get('/api/v1/playback/history?days=-3').set('cookie', cookies.get('alice')!).expect(400);
  });

  it('closes what a previous watcher left open and records nothing twice after a handover', async () => {
    ({ t, monitor } = await startWatchingApp(up));
    startEvening(up.plex.playback);
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(3), WAIT);
    await settled(t, monitor);
    await monitor.stop();
    // While no one watches, carol's stream ends.
    up.plex.playback.stop(carolWanStream.sessionKey);
    await monitor.start();
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(2), WAIT);
    await settled(t, monitor);
    expect((await rows(t)).map((r) => [r.title, r.endedAt !== null])).toEqual([
      ['Avatar: The Way of Water', false],
      ['Hello, Ms. Cobel', false],
      ['The Matrix', true],
    ]);
  });

  it('keeps PLAYBACK_HISTORY_DAYS of plays: the hourly job deletes older ones', async () => {
    t = await createTestApp({ PLAYBACK_HISTORY_DAYS: '30' });
    const repo = new PlaybackHistoryRepository(t.container.database);
    const play = { mediaType: 'movie', title: 'The Matrix', decision: 'direct_play', location: 'lan' };
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await repo.start({ ...play, sessionKey: 'old', startedAt: daysAgo(31), endedAt: daysAgo(31) });
    await repo.start({ ...play, sessionKey: 'recent', startedAt: daysAgo(29), endedAt: daysAgo(29) });

    const ran: Promise<unknown>[] = [];
    const jobs = {
      backend: 'in-process' as const,
      define: (job: { queue: string; run: (data: Record<string, unknown>) => Promise<unknown> }) => {
        if (job.queue === 'playback-history-prune') ran.push(job.run({}));
      },
    };
    expect(defineBackgroundJobs({ ...t.container, jobs: jobs as never })).toContain('playback-history-prune');
    await Promise.all(ran);
    expect((await rows(t)).map((r) => r.sessionKey)).toEqual(['recent']);
  });
});

if (testMode === 'services') {
  describe('Playback history across replicas', () => {
    it('records a play once when another replica takes over watching', async () => {
      const a = await startWatchingApp(up);
      // The second replica shares the first one's database and Redis, as replicas do.
      const b = await createTestApp({
        ...up.env,
        PLEX_PLAYBACK_ENABLED: 'true',
        DATABASE_URL: a.t.config.DATABASE_URL!,
        REDIS_KEY_PREFIX: a.t.config.REDIS_KEY_PREFIX,
        INSTANCE_NAME: 'replica-b',
      });
      try {
        startEvening(up.plex.playback);
        await vi.waitFor(() => expect(a.monitor.streams()).toHaveLength(3), WAIT);
        await settled(a.t, a.monitor);
        const other = b.container.playback!;
        await other.start();
        await a.monitor.stop();
        up.plex.playback.vanish(bobHardwareTranscode.sessionKey);
        await vi.waitFor(() => expect(other.isLeader).toBe(true), { timeout: 20_000, interval: 100 });
        await vi.waitFor(() => expect(other.streams()).toHaveLength(2), WAIT);
        await settled(b, other);
        const after = await rows(a.t);
        expect(after.map((r) => [r.title, r.endedAt !== null])).toEqual([
          ['Avatar: The Way of Water', false],
          ['Hello, Ms. Cobel', true],
          ['The Matrix', false],
        ]);
      } finally {
        for (const key of [...up.plex.playback.streams.keys()]) up.plex.playback.vanish(key);
        await b.cleanup();
        await a.t.cleanup();
      }
    }, 30_000);
  });
}
