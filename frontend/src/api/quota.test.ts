import { describe, expect, it } from 'vitest';
import { formatDayMonth } from '../components/format';
import { quotaBadge } from './quota';

describe('quota badge', () => {
  it('shows nothing without a quota', () => {
    expect(quotaBadge({ movie: null, tv: null }, 'movie')).toBeNull();
    expect(quotaBadge(undefined, 'tv')).toBeNull();
  });

  it('counts what is left for the media type of the button', () => {
    const quota = {
      movie: { limit: 5, days: 7, used: 2, remaining: 3, nextFreeAt: null },
      tv: { limit: 10, days: 30, used: 4, remaining: 6, nextFreeAt: null },
    };
    expect(quotaBadge(quota, 'movie')).toEqual({
      text: '3 of 5 left',
      exhausted: false,
      description: '3 of your 5 movie requests left for the last 7 days.',
    });
    expect(quotaBadge(quota, 'tv')?.description).toBe('6 of your 10 TV season requests left for the last 30 days.');
  });

  it('says when the next request frees up once the quota is used', () => {
    const badge = quotaBadge(
      { movie: { limit: 5, days: 7, used: 5, remaining: 0, nextFreeAt: '2026-12-03T14:00:00.000Z' }, tv: null },
      'movie',
    );
    const when = formatDayMonth('2026-12-03T14:00:00.000Z');
    expect(badge).toEqual({
      text: `Quota used · next ${when}`,
      exhausted: true,
      description: `You have used your 5 movie requests for the last 7 days; the next one frees up on ${when}.`,
    });
  });

  it('says "request" for a quota of one', () => {
    const one = { limit: 1, days: 7, used: 0, remaining: 1, nextFreeAt: null };
    expect(quotaBadge({ movie: one, tv: one }, 'movie')?.description).toBe('1 of your 1 movie request left for the last 7 days.');
    expect(quotaBadge({ movie: null, tv: { ...one, used: 1, remaining: 0 } }, 'tv')?.description).toBe(
      'You have used your 1 TV season request for the last 7 days.',
    );
  });
});
