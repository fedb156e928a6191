/**
 * The words for a fulfilment estimate ("usually available within …"), honest
 * about what it is: how long similar past requests took, with how many there
 * were, or why there is no estimate yet.
 */
import type { FulfilmentEstimate } from '@medianest/contracts';
import { formatDuration } from '../components/format';
import { i18next } from '../i18n';

export interface EstimateText {
  headline: string;
  basis: string;
}

export function estimateText(e: FulfilmentEstimate): EstimateText {
  // "movie requests approved automatically", worded per language as one phrase.
  const kind = i18next.t(`requests:estimate.kind.${e.mediaType}.${e.approval}`);
  if (e.medianSeconds === null || e.p90Seconds === null) {
    return {
      headline: i18next.t('requests:estimate.none'),
      basis: i18next.t('requests:estimate.noneBasis', { minimum: e.minimumSamples, kind, count: e.samples }),
    };
  }
  return {
    headline: i18next.t('requests:estimate.headline', { duration: formatDuration(e.medianSeconds) }),
    basis: i18next.t('requests:estimate.basis', {
      count: e.samples,
      kind,
      median: formatDuration(e.medianSeconds),
      p90: formatDuration(e.p90Seconds),
    }),
  };
}
