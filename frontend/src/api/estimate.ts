/**
 * The words for a fulfilment estimate ("usually available within …"), honest
 * about what it is: how long similar past requests took, with how many there
 * were, or why there is no estimate yet.
 */
import type { FulfilmentEstimate } from '@medianest/contracts';
import { formatDuration } from '../components/format';

export interface EstimateText {
  headline: string;
  basis: string;
}

export function estimateText(e: FulfilmentEstimate): EstimateText {
  const kind = `${e.mediaType === 'tv' ? 'show' : 'movie'} requests ${e.approval === 'automatic' ? 'approved automatically' : 'approved by hand'}`;
  if (e.medianSeconds === null || e.p90Seconds === null) {
    return {
      headline: 'No estimate yet',
      basis: `MediaNest estimates from at least ${e.minimumSamples} fulfilled ${kind}; it has seen ${e.samples}.`,
    };
  }
  return {
    headline: `Usually available within ${formatDuration(e.medianSeconds)} of the request`,
    basis: `Estimate from ${e.samples} past ${kind}: half were in Plex within ${formatDuration(e.medianSeconds)}, 9 in 10 within ${formatDuration(e.p90Seconds)}.`,
  };
}
