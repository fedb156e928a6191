/**
 * "Usually available within …": how long similar requests took, from being
 * requested to being available in Plex, read from MediaNest's own history.
 * Similar means the same media type, approved the same way (at once by
 * Overseerr, or later by hand). Shown when the download queue gives no ETA.
 */
import type { FulfilmentEstimate } from '@medianest/contracts';
import type { MediaType } from '../../db/schema';

/** Below this many fulfilled similar requests a median says too little: no estimate. */
export const MIN_ESTIMATE_SAMPLES = 5;
/** Only the latest fulfilled requests count, so the estimate follows the household's current setup. */
export const ESTIMATE_WINDOW = 200;

/** The nearest-rank `q` quantile (0–1) of sorted values. */
function quantile(sorted: number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export function estimateFrom(mediaType: MediaType, autoApproved: boolean, seconds: number[]): FulfilmentEstimate {
  const sorted = [...seconds].sort((a, b) => a - b);
  const enough = sorted.length >= MIN_ESTIMATE_SAMPLES;
  return {
    mediaType,
    approval: autoApproved ? 'automatic' : 'manual',
    samples: sorted.length,
    minimumSamples: MIN_ESTIMATE_SAMPLES,
    medianSeconds: enough ? Math.round(quantile(sorted, 0.5)) : null,
    p90Seconds: enough ? Math.round(quantile(sorted, 0.9)) : null,
  };
}
