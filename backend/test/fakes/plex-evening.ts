/**
 * A household's evening on the fake Plex server, shared by the playback
 * tests and the monitoring stack test: three members —
 * - alice plays a film directly on the living-room TV (LAN),
 * - bob watches an episode in the browser, transcoded on the GPU (HEVC →
 *   H.264, VAAPI), until the GPU drops out and the transcoder falls back to
 *   the CPU at 0.8× speed,
 * - carol streams a film to her phone over the internet (WAN), remuxed, at
 *   19 Mbit/s: 95 % of a 20 Mbit/s upload.
 */
import type { FakePlexPlayback, FakeStreamSpec } from './fake-plex-sessions';

export const EVENING_UPLOAD_CAPACITY_MBPS = 20;

export const EVENING_MEMBERS = [
  { username: 'alice', plexId: '1001' },
  { username: 'bob', plexId: '1002' },
  { username: 'carol', plexId: '1003' },
] as const;

export const aliceDirectPlay: FakeStreamSpec = {
  sessionKey: '11',
  account: { id: 1001, title: 'alice' },
  item: { ratingKey: '58683', type: 'movie', title: 'Avatar: The Way of Water', year: 2022, duration: 11_520_000 },
  player: { title: 'Living Room', product: 'Plex for Apple TV', platform: 'tvOS', device: 'Apple TV', address: '192.0.2.20', local: true },
  source: { container: 'mkv', videoCodec: 'hevc', audioCodec: 'eac3', bitrate: 24_000, height: 2160 },
  bandwidth: 26_000,
  location: 'lan',
  viewOffset: 600_000,
};

export const bobHardwareTranscode: FakeStreamSpec = {
  sessionKey: '12',
  account: { id: 1002, title: 'bob' },
  item: {
    ratingKey: '2301',
    type: 'episode',
    title: 'Hello, Ms. Cobel',
    grandparentTitle: 'Severance',
    parentIndex: 2,
    index: 1,
    duration: 3_300_000,
  },
  player: { title: 'Chrome', product: 'Plex Web', platform: 'Chrome', device: 'Linux', address: '192.0.2.31', local: true },
  source: { container: 'mkv', videoCodec: 'hevc', audioCodec: 'truehd', bitrate: 18_000, height: 2160 },
  bandwidth: 8_000,
  location: 'lan',
  viewOffset: 120_000,
  transcode: {
    videoDecision: 'transcode',
    audioDecision: 'transcode',
    container: 'mp4',
    videoCodec: 'h264',
    audioCodec: 'aac',
    height: 1080,
    hwRequested: true,
    hwDecoding: 'vaapi',
    hwEncoding: 'vaapi',
    hwFullPipeline: true,
    speed: 3.2,
  },
};

/** What the transcoder reports once the GPU is gone: hardware still requested, none in use, slower than playback. */
export const bobSoftwareFallback = { transcode: { hwDecoding: undefined, hwEncoding: undefined, hwFullPipeline: false, speed: 0.8 } };

export const carolWanStream: FakeStreamSpec = {
  sessionKey: '13',
  account: { id: 1003, title: 'carol' },
  item: { ratingKey: '1021', type: 'movie', title: 'The Matrix', year: 1999, duration: 8_160_000 },
  player: { title: "Carol's iPhone", product: 'Plex for iOS', platform: 'iOS', device: 'iPhone', address: '198.51.100.7', local: false },
  source: { container: 'mkv', videoCodec: 'h264', audioCodec: 'ac3', bitrate: 19_000, height: 1080 },
  bandwidth: 19_000,
  location: 'wan',
  viewOffset: 30_000,
  transcode: {
    videoDecision: 'copy',
    audioDecision: 'copy',
    container: 'mpegts',
    videoCodec: 'h264',
    audioCodec: 'ac3',
    height: 1080,
    hwRequested: true,
    speed: 12.4,
    throttled: true,
  },
};

/** Starts all three streams. */
export function startEvening(playback: FakePlexPlayback): void {
  playback.play(aliceDirectPlay);
  playback.play(bobHardwareTranscode);
  playback.play(carolWanStream);
}
