import type { MyPlayback, NowPlaying } from '@medianest/contracts';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loginCookie } from '../../../test/auth-helpers';
import { createTestApp, testMode, type TestApp } from '../../../test/context';
import { startUpstreams, FAKE_PLEX_TOKEN, type Upstreams } from '../../../test/fakes/upstreams';
import { aliceDirectPlay, bobHardwareTranscode, bobSoftwareFallback, carolWanStream, startEvening } from '../../../test/fakes/plex-evening';
import { registrySum } from '../../../test/metrics-helpers';
import type { PlaybackMonitor } from './playback-monitor';
import { byMember, startWatchingApp, WAIT } from '../../../test/playback-app';

let up: Upstreams;
beforeAll(async () => {
  up = await startUpstreams();
});
afterAll(async () => {
  await up.stop();
});
const watchingApp = (extra: Record<string, string> = {}) => startWatchingApp(up, extra);

// Each case drives the fake Plex through reconnects and polls: about 15 s on an idle machine, so room for a busy one.
describe('Plex playback: an evening with three members', { timeout: 120_000 }, () => {
  let t: TestApp;
  let monitor: PlaybackMonitor;
  afterEach(async () => {
    for (const key of [...up.plex.playback.streams.keys()]) up.plex.playback.vanish(key);
    up.plex.playback.acceptSockets();
    await t.cleanup();
  });

  it('follows the evening from notifications: members, decisions, hardware fallback, WAN share, pause and stop', async () => {
    ({ t, monitor } = await watchingApp());
    const reads = () => up.plex.requestsTo('/status/sessions').length;
    const startsBefore = await registrySum('medianest_plex_session_starts_total');

    startEvening(up.plex.playback);
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(3), WAIT);

    const alice = byMember(monitor, 'alice')!;
    expect(alice).toMatchObject({ decision: 'direct_play', location: 'lan', title: 'Avatar: The Way of Water', transcode: null });
    expect(alice.player).toMatchObject({ title: 'Living Room', product: 'Plex for Apple TV' });
    const bob = byMember(monitor, 'bob')!;
    expect(bob).toMatchObject({ decision: 'transcode', show: 'Severance', season: 2, episode: 1, title: 'Hello, Ms. Cobel' });
    expect(bob.transcode).toMatchObject({ hardware: true, hwRequested: true, videoDecision: 'transcode', speed: 3.2 });
    expect(bob.transcodeReasons).toEqual(expect.arrayContaining(['video codec hevc → h264', 'quality 2160p → 1080p', 'audio codec']));
    const carol = byMember(monitor, 'carol')!;
    expect(carol).toMatchObject({ decision: 'direct_stream', location: 'wan', bandwidthKbps: 19_000 });
    expect(carol.transcodeReasons).toEqual(['container mkv → mpegts']);

    expect(monitor.totals()).toEqual({
      streams: 3,
      transcodes: 1,
      hardwareTranscodes: 1,
      hardwareShare: 1,
      wanBandwidthKbps: 19_000,
      lanBandwidthKbps: 34_000,
      uploadCapacityKbps: 20_000,
      wanShareOfUpload: 0.95,
    });
    expect(await registrySum('medianest_plex_streams')).toBe(3);
    expect(await registrySum('medianest_plex_streams', { decision: 'direct_stream', location: 'wan' })).toBe(1);
    expect(await registrySum('medianest_plex_transcodes', { hardware: 'hw', hw_requested: 'true', video_decision: 'transcode' })).toBe(1);
    expect(await registrySum('medianest_plex_bandwidth_bytes_per_second', { location: 'wan' })).toBe(2_375_000);
    expect(await registrySum('medianest_plex_upload_capacity_bytes_per_second')).toBe(2_500_000);
    expect(await registrySum('medianest_plex_wan_bandwidth_alert_ratio')).toBe(0.8);
    expect((await registrySum('medianest_plex_session_starts_total')) - startsBefore).toBe(3);
    expect(await registrySum('medianest_plex_session_starts_total', { decision: 'transcode', location: 'lan' })).toBeGreaterThanOrEqual(1);

    // The GPU drops out: the transcoder carries on in software, slower than playback.
    up.plex.playback.update(bobHardwareTranscode.sessionKey, bobSoftwareFallback);
    await vi.waitFor(
      () => expect(byMember(monitor, 'bob')!.transcode).toMatchObject({ hardware: false, hwRequested: true, speed: 0.8 }),
      WAIT,
    );
    expect(monitor.totals()).toMatchObject({ transcodes: 1, hardwareTranscodes: 0, hardwareShare: 0 });
    expect(await registrySum('medianest_plex_transcodes', { hardware: 'hw' })).toBe(0);
    expect(await registrySum('medianest_plex_transcodes', { hardware: 'sw', hw_requested: 'true' })).toBe(1);
    expect(await registrySum('medianest_plex_transcodes_below_realtime', { hardware: 'sw' })).toBe(1);

    // Alice pauses: the play-state notification is enough, no read of /status/sessions.
    await monitor.refresh(); // lets a read still queued by the transcoder's notifications finish first
    const readsBeforePause = reads();
    up.plex.playback.update(aliceDirectPlay.sessionKey, { state: 'paused', viewOffset: 900_000 });
    await vi.waitFor(() => expect(byMember(monitor, 'alice')).toMatchObject({ state: 'paused', viewOffsetMs: 900_000 }), WAIT);
    expect(reads()).toBe(readsBeforePause);

    // Carol stops: gone at once, and the WAN bandwidth with her.
    up.plex.playback.stop(carolWanStream.sessionKey);
    await vi.waitFor(() => expect(byMember(monitor, 'carol')).toBeUndefined(), WAIT);
    expect(await registrySum('medianest_plex_bandwidth_bytes_per_second', { location: 'wan' })).toBe(0);
    expect(monitor.totals()).toMatchObject({ streams: 2, wanShareOfUpload: 0 });
  });

  it('answers Now playing to the admin and each member their own streams, live on the event bus', async () => {
    let cookies: Map<string, string>;
    ({ t, monitor, cookies } = await watchingApp());
    const updates: NowPlaying[] = [];
    const mine = new Map<string, MyPlayback['streams']>();
    t.container.events.subscribe('playback.updated', (now) => updates.push(now));
    t.container.events.subscribe('playback.member', ({ userId, streams }) => mine.set(userId, streams));
    startEvening(up.plex.playback);
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(3), WAIT);

    const admin = await loginCookie(t.app);
    const now = (await request(t.app).get('/api/v1/admin/playback').set('cookie', admin).expect(200)).body as NowPlaying;
    expect(now.watching).toBe(true);
    expect(now.totals).toMatchObject({ streams: 3, transcodes: 1, hardwareShare: 1, wanBandwidthKbps: 19_000, uploadCapacityKbps: 20_000 });
    const bob = now.streams.find((s) => s.member?.username === 'bob')!;
    expect(bob).toMatchObject({
      decision: 'transcode',
      show: 'Severance',
      episode: 1,
      player: { product: 'Plex Web' },
      source: { videoCodec: 'hevc', height: 2160, container: 'mkv' },
      transcode: { hardware: true, videoCodec: 'h264', height: 1080 },
    });
    expect(JSON.stringify(now)).not.toContain('plexAccountId');
    expect(updates.at(-1)?.totals.streams).toBe(3);

    const carol = (await request(t.app).get('/api/v1/playback/mine').set('cookie', cookies.get('carol')!).expect(200)).body as MyPlayback;
    expect(carol.streams.map((s) => [s.title, s.player.title, s.location])).toEqual([['The Matrix', "Carol's iPhone", 'wan']]);
    const forbidden = await request(t.app).get('/api/v1/admin/playback').set('cookie', cookies.get('carol')!).expect(403);
    expect(forbidden.body.error.code).toBeDefined();
    await request(t.app).get('/api/v1/playback/mine').expect(401);

    // Carol stops: her browsers are told her list is empty; the others' lists are untouched.
    const carolId = now.streams.find((s) => s.member?.username === 'carol')!.member!.id;
    up.plex.playback.stop(carolWanStream.sessionKey);
    await vi.waitFor(() => expect(mine.get(carolId)).toEqual([]), WAIT);
    expect(updates.at(-1)?.totals).toMatchObject({ streams: 2, wanBandwidthKbps: 0 });
  });

  it('counts the library by type and never puts the token in the socket URL', async () => {
    ({ t, monitor } = await watchingApp());
    await monitor.countLibrary();
    expect(await registrySum('medianest_plex_library_items', { library_type: 'movie' })).toBe(3);
    expect(await registrySum('medianest_plex_library_items', { library_type: 'show' })).toBe(1);
    const upgrade = up.plex.playback.upgrades.at(-1)!;
    expect(upgrade.url).toBe('/:/websockets/notifications');
    expect(upgrade.headers['x-plex-token']).toBe(FAKE_PLEX_TOKEN);
    expect(await registrySum('medianest_plex_notification_socket_state', { state: 'connected' })).toBe(1);
  });

  it('falls back to polling while the socket is down, catches a missed stop, and reconnects', async () => {
    ({ t, monitor } = await watchingApp());
    startEvening(up.plex.playback);
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(3), WAIT);
    const reconnects = await registrySum('medianest_plex_notification_reconnects_total');

    up.plex.playback.refuseSockets(503);
    up.plex.playback.closeSockets();
    await vi.waitFor(() => expect(monitor.socketState).not.toBe('connected'), WAIT);
    expect(await registrySum('medianest_plex_notification_socket_state', { state: 'connected' })).toBe(0);

    // Bob's stream ends without a word on any socket: the fallback poll notices.
    up.plex.playback.vanish(bobHardwareTranscode.sessionKey);
    await vi.waitFor(() => expect(byMember(monitor, 'bob')).toBeUndefined(), WAIT);
    expect(monitor.streams().map((s) => s.member?.username)).toEqual(['alice', 'carol']);

    up.plex.playback.acceptSockets();
    await vi.waitFor(() => expect(monitor.socketState).toBe('connected'), { ...WAIT, timeout: 30_000 });
    expect(await registrySum('medianest_plex_notification_socket_state', { state: 'connected' })).toBe(1);
    expect((await registrySum('medianest_plex_notification_reconnects_total')) - reconnects).toBe(1);
  }, 40_000);

  it('clears a stream whose stop notification was lost at the next reconcile read, with the socket up', async () => {
    ({ t, monitor } = await watchingApp({ PLEX_SESSIONS_RECONCILE_SECONDS: '5' }));
    startEvening(up.plex.playback);
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(3), WAIT);
    up.plex.playback.vanish(carolWanStream.sessionKey);
    await vi.waitFor(() => expect(byMember(monitor, 'carol')).toBeUndefined(), { timeout: 15_000, interval: 100 });
    expect(monitor.socketState).toBe('connected');
    expect(monitor.streams()).toHaveLength(2);
  }, 30_000);

  it('shows a Plex account that is not linked to a member without a member', async () => {
    ({ t, monitor } = await watchingApp());
    up.plex.playback.play({ ...aliceDirectPlay, sessionKey: '21', account: { id: 4242, title: 'guest' } });
    await vi.waitFor(() => expect(monitor.streams()).toHaveLength(1), WAIT);
    expect(monitor.streams()[0]).toMatchObject({ member: null, plexUsername: 'guest' });
  });
});

if (testMode === 'services') {
  describe('Plex playback across replicas', () => {
    it('lets one process watch Plex; the other takes over when it stops', async () => {
      const a = await watchingApp();
      const b = await createTestApp({
        ...up.env,
        PLEX_PLAYBACK_ENABLED: 'true',
        REDIS_KEY_PREFIX: a.t.config.REDIS_KEY_PREFIX,
        INSTANCE_NAME: 'replica-b',
      });
      try {
        const other = b.container.playback!;
        await other.start();
        expect(a.monitor.isLeader).toBe(true);
        expect(other.isLeader).toBe(false);
        await vi.waitFor(() => expect(up.plex.playback.socketCount).toBe(1), WAIT);
        // The replica that does not watch answers Now playing from the watcher's snapshot in Redis.
        startEvening(up.plex.playback);
        await vi.waitFor(async () => expect((await b.container.nowPlaying.now()).streams).toHaveLength(3), WAIT);
        for (const key of [...up.plex.playback.streams.keys()]) up.plex.playback.vanish(key);
        await a.monitor.stop();
        await vi.waitFor(() => expect(other.isLeader).toBe(true), { timeout: 20_000, interval: 100 });
      } finally {
        await b.cleanup();
        await a.t.cleanup();
      }
    }, 30_000);
  });
}
