import { describe, expect, it } from 'vitest';
import { readLibraryItem, readMediaRequest } from './types';

describe('reading a request with its timeline and progress', () => {
  it('reads the timeline, download progress per episode, season states and the Play on Plex link', () => {
    const r = readMediaRequest({
      request: {
        id: 4,
        mediaType: 'tv',
        title: 'Severance',
        status: 'processing',
        stalled: false,
        timeline: [{ step: 'requested', actor: 'alice', at: '2026-01-01T10:00:00.000Z' }, { step: 'approved', actor: null, at: '2026-01-01T11:00:00.000Z' }],
        download: {
          percent: 42.5,
          estimatedCompletionAt: '2026-01-01T12:00:00.000Z',
          items: [{ title: 'Severance.S02E01', status: 'downloading', percent: 42.5, estimatedCompletionAt: null, seasonNumber: 2, episodeNumber: 1 }],
          seasons: [{ seasonNumber: 2, state: 'processing' }, { seasonNumber: 3, state: 'exploded' }],
        },
        playUrl: null,
      },
    })!;
    expect(r.timeline).toEqual([
      { step: 'requested', actor: 'alice', at: '2026-01-01T10:00:00.000Z' },
      { step: 'approved', actor: null, at: '2026-01-01T11:00:00.000Z' },
    ]);
    expect(r.download!.items[0]).toMatchObject({ seasonNumber: 2, episodeNumber: 1, percent: 42.5 });
    // An unknown season state is left out rather than shown wrongly.
    expect(r.download!.seasons).toEqual([{ seasonNumber: 2, state: 'processing' }]);
    expect(r.playUrl).toBeNull();
  });

  it('tolerates an older server without timeline or progress', () => {
    const r = readMediaRequest({ id: 1, title: 'Inception', status: 'pending' })!;
    expect(r).toMatchObject({ timeline: [], download: null, stalled: false, playUrl: null });
  });

  it('accepts only Plex Web play links', () => {
    const good = 'https://app.plex.tv/desktop#!/server/abc/details?key=%2Flibrary%2Fmetadata%2F1';
    expect(readMediaRequest({ id: 1, status: 'available', playUrl: good })!.playUrl).toBe(good);
    expect(readMediaRequest({ id: 1, status: 'available', playUrl: 'javascript:alert(1)' })!.playUrl).toBeNull();
    expect(readLibraryItem({ ratingKey: '1', title: 'The Matrix', playUrl: 'http://192.168.1.10:32400/web' })!.playUrl).toBeNull();
    expect(readLibraryItem({ ratingKey: '1', title: 'The Matrix', playUrl: good })!.playUrl).toBe(good);
  });
});
