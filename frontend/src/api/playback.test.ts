import { describe, expect, it } from 'vitest';
import { formatKbps, formatWatched, formatMedia, formatShare, progressPercent, streamDevice, streamTitle } from './playback';

describe('playback wording', () => {
  it('names episodes by show, season and episode and films by year', () => {
    expect(streamTitle({ title: 'Hello, Ms. Cobel', show: 'Severance', season: 2, episode: 1, year: null })).toBe(
      'Severance S2E1 · Hello, Ms. Cobel',
    );
    expect(streamTitle({ title: 'The Matrix', show: null, season: null, episode: null, year: 1999 })).toBe('The Matrix (1999)');
  });

  it('names the device with its Plex app, and shows progress, bitrate and quality', () => {
    expect(streamDevice({ player: { title: 'Chrome', product: 'Plex Web', platform: 'Chrome', device: 'Linux' } })).toBe(
      'Chrome (Plex Web)',
    );
    expect(progressPercent({ viewOffsetMs: 900_000, durationMs: 3_600_000 })).toBe(25);
    expect(progressPercent({ viewOffsetMs: null, durationMs: 3_600_000 })).toBeNull();
    expect(formatKbps(19_000)).toBe('19 Mb/s');
    expect(formatKbps(850)).toBe('850 kb/s');
    expect(formatMedia({ videoCodec: 'hevc', height: 2160, container: 'mkv', bitrateKbps: 24_500 })).toBe('hevc 2160p mkv, 24.5 Mb/s');
    expect(formatShare(0.95)).toBe('95%');
  });

  it('says how long a play was watched, and that it still plays', () => {
    expect(formatWatched(30)).toBe('30 sec');
    expect(formatWatched(2_520)).toBe('42 min');
    expect(formatWatched(3_900)).toBe('1 hr 5 min');
    expect(formatWatched(null)).toBe('playing');
  });
});
