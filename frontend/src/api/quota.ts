/**
 * The words of the quota badge beside a Request button: how many requests of
 * this kind the member has left in Overseerr's window, or when the next one
 * frees up. No quota, no badge.
 */
import type { MediaType, QuotaStanding, RequestQuota } from '@medianest/contracts';
import { formatDayMonth } from '../components/format';
import { i18next } from '../i18n';

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
  const t = (key: string, values: Record<string, unknown> = {}) => i18next.t(key, values);
  // "5 movie requests" / "1 TV season request"; "the last 7 days" / "the last day".
  const unit = t(`search:quota.unit.${mediaType}`, { count: standing.limit });
  const period = t('search:quota.period', { count: standing.days });
  if (standing.remaining === 0) {
    const when = standing.nextFreeAt ? formatDayMonth(standing.nextFreeAt) : null;
    return {
      text: when ? t('search:quota.usedNext', { when }) : t('search:quota.used'),
      exhausted: true,
      description: when ? t('search:quota.usedUpNext', { unit, period, when }) : t('search:quota.usedUp', { unit, period }),
    };
  }
  return {
    text: t('search:quota.left', { remaining: standing.remaining, limit: standing.limit }),
    exhausted: false,
    description: t('search:quota.leftLong', { remaining: standing.remaining, unit, period }),
  };
}
