/**
 * The words of the quota badge beside a Request button: how many requests of
 * this kind the member has left in Overseerr's window, or when the next one
 * frees up. No quota, no badge.
 */
import type { MediaType, QuotaStanding, RequestQuota } from '@medianest/contracts';

const dateOnly = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

export interface QuotaBadge {
  text: string;
  /** Nothing left: the Request button would be refused. */
  exhausted: boolean;
  /** The longer sentence for screen readers and the title tooltip. */
  description: string;
}

export function quotaBadge(quota: RequestQuota | undefined, mediaType: MediaType): QuotaBadge | null {
  const standing: QuotaStanding | null | undefined = quota?.[mediaType];
  if (!standing) return null;
  const unit = `${mediaType === 'movie' ? 'movie' : 'TV season'} request${standing.limit === 1 ? '' : 's'}`;
  const period = standing.days === 1 ? 'day' : `${standing.days} days`;
  if (standing.remaining === 0) {
    const when = standing.nextFreeAt ? dateOnly.format(new Date(standing.nextFreeAt)) : null;
    return {
      text: when ? `Quota used · next ${when}` : 'Quota used',
      exhausted: true,
      description: `You have used your ${standing.limit} ${unit} for the last ${period}${when ? `; the next one frees up on ${when}` : ''}.`,
    };
  }
  return {
    text: `${standing.remaining} of ${standing.limit} left`,
    exhausted: false,
    description: `${standing.remaining} of your ${standing.limit} ${unit} left for the last ${period}.`,
  };
}
