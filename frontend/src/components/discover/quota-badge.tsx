/**
 * Under a Request button: how many requests of this kind the member has left
 * in Overseerr's window ("2 of 5 left"), or that the quota is used and when
 * the next one frees up. Nothing when the member has no quota.
 */
import type { MediaType, RequestQuota } from '../../api/types';
import { quotaBadge } from '../../api/quota';
import '../media-card.css';
import '../badges.css';

export function QuotaBadge({ quota, mediaType }: { quota: RequestQuota | undefined; mediaType: MediaType }) {
  const badge = quotaBadge(quota, mediaType);
  if (!badge) return null;
  return (
    <p className="card-quota">
      <span className={`badge badge-${badge.exhausted ? 'warning' : 'muted'}`} title={badge.description}>
        <span aria-hidden="true">{badge.text}</span>
        <span className="visually-hidden">{badge.description}</span>
      </span>
    </p>
  );
}
