import { describe, expect, it } from 'vitest';
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
      headline: 'Usually available within 3 hr of the request',
      basis: 'Estimate from 12 past movie requests approved automatically: half were in Plex within 3 hr, 9 in 10 within 28 hr.',
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

  it('speaks the member’s language', async () => {
    const { i18next } = await import('../i18n');
    await i18next.changeLanguage('de');
    try {
      expect(
        estimateText({ mediaType: 'tv', approval: 'manual', samples: 2, minimumSamples: 5, medianSeconds: null, p90Seconds: null }),
      ).toEqual({
        headline: 'Noch keine Schätzung',
        basis: 'MediaNest schätzt erst ab 5 erfüllten von Hand genehmigten Serienanfragen; bisher gab es 2.',
      });
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});
