import { describe, expect, it } from 'vitest';
import { formatDuration } from '../components/format';
import { estimateText } from './estimate';

describe('fulfilment estimate wording', () => {
  it('names the median, the p90 and how many similar requests it comes from', () => {
    expect(
      estimateText({
        mediaType: 'movie',
        approval: 'automatic',
        samples: 12,
        minimumSamples: 5,
        medianSeconds: 3 * 3600,
        p90Seconds: 28 * 3600,
      }),
    ).toEqual({
      headline: 'Usually available within 3 h of the request',
      basis: 'Estimate from 12 past movie requests approved automatically: half were in Plex within 3 h, 9 in 10 within 28 h.',
    });
  });

  it('says there is no estimate, and why, below the minimum number of samples', () => {
    expect(
      estimateText({ mediaType: 'tv', approval: 'manual', samples: 2, minimumSamples: 5, medianSeconds: null, p90Seconds: null }),
    ).toEqual({
      headline: 'No estimate yet',
      basis: 'MediaNest estimates from at least 5 fulfilled show requests approved by hand; it has seen 2.',
    });
  });

  it('formats durations from minutes to weeks', () => {
    expect([30, 45 * 60, 3 * 3600, 3 * 3600 + 20 * 60, 30 * 3600, 3 * 86400 + 4 * 3600, 5 * 86400, 21 * 86400].map(formatDuration)).toEqual(
      ['1 min', '45 min', '3 h', '3 h 20 min', '30 h', '3 days 4 h', '5 days', '3 weeks'],
    );
  });
});
