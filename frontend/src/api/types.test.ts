import type { PlayableLibraryItem } from '@medianest/contracts';
import { describe, expect, it } from 'vitest';
import { reportProblemUrl, safePlayUrl, toLibraryItem } from './types';

const item = (playUrl: string | null): PlayableLibraryItem => ({
  ratingKey: '1',
  type: 'movie',
  title: 'The Matrix',
  year: 1999,
  summary: null,
  thumbUrl: '/api/v1/plex/image?path=%2Flibrary%2Fmetadata%2F1%2Fthumb',
  addedAt: null,
  durationMs: null,
  tmdbId: 603,
  librarySectionId: 1,
  showTitle: null,
  seasonNumber: null,
  episodeNumber: null,
  leafCount: null,
  playUrl,
});

describe('Play on Plex links', () => {
  const good = 'https://app.plex.tv/desktop#!/server/abc/details?key=%2Flibrary%2Fmetadata%2F1';

  it('accepts only Plex Web links for a request', () => {
    expect(safePlayUrl(good)).toBe(good);
    expect(safePlayUrl('javascript:alert(1)')).toBeNull();
    expect(safePlayUrl(null)).toBeNull();
    expect(safePlayUrl(undefined)).toBeNull();
  });

  it('a library card carries the link only when it is a Plex Web link', () => {
    expect(toLibraryItem(item(good)).playUrl).toBe(good);
    expect(toLibraryItem(item('http://192.168.1.10:32400/web')).playUrl).toBeNull();
    expect(toLibraryItem(item(null)).playUrl).toBeNull();
  });
});

describe('Report a problem from the library', () => {
  it('offers it for movies and whole shows Overseerr can find by TMDB id, not for episodes or items without one', () => {
    expect(toLibraryItem(item(null)).reportUrl).toBe('/problems/new?mediaType=movie&tmdbId=603&title=The+Matrix');
    expect(toLibraryItem({ ...item(null), type: 'show', tmdbId: 1399, title: 'Game of Thrones' }).reportUrl).toBe(
      reportProblemUrl('tv', 1399, 'Game of Thrones'),
    );
    expect(
      toLibraryItem({ ...item(null), type: 'episode', showTitle: 'Game of Thrones', seasonNumber: 1, episodeNumber: 2 }).reportUrl,
    ).toBeNull();
    expect(toLibraryItem({ ...item(null), tmdbId: null }).reportUrl).toBeNull();
  });
});
