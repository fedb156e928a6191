/**
 * The member's Plex watchlist as a row of cards with availability badges,
 * "Request all" (what it requested and what it left out, and why), and the
 * opt-in to automatic requests when the owner offers them. A member without
 * a Plex sign-in sees why there is nothing, not an error.
 */
import { useTranslation } from 'react-i18next';
import type { WatchlistResponse } from '@medianest/contracts';
import { useWatchlist } from '../../hooks/use-watchlist';
import { EmptyState, ErrorMessage, SkeletonCards } from '../feedback';
import { WatchlistActions } from './watchlist-actions';
import { WatchlistCard } from './watchlist-card';
import './watchlist-row.css';

function useUnavailableText(): (reason: NonNullable<WatchlistResponse['unavailable']>) => string {
  const { t } = useTranslation('watchlist');
  return (reason) =>
    reason === 'no_plex_sign_in'
      ? t('unavailable.noPlexSignIn')
      : reason === 'plex_sign_in_expired'
        ? t('unavailable.plexSignInExpired')
        : t('unavailable.overseerrNotConfigured');
}

export function WatchlistRow() {
  const { t } = useTranslation('watchlist');
  const unavailableText = useUnavailableText();
  const { watchlist, ...actions } = useWatchlist();
  const data = watchlist.data;
  return (
    <section className="watchlist-row" aria-labelledby="watchlist-heading" aria-busy={watchlist.loading}>
      <h2 id="watchlist-heading">{t('heading')}</h2>
      {watchlist.loading ? (
        <SkeletonCards count={4} label={t('loading')} />
      ) : watchlist.error || !data ? (
        <ErrorMessage message={watchlist.error ?? ''} onRetry={watchlist.reload} />
      ) : data.unavailable ? (
        <EmptyState>{unavailableText(data.unavailable)}</EmptyState>
      ) : (
        <>
          <WatchlistActions data={data} {...actions} />
          {data.items.length === 0 ? (
            <EmptyState>{t('empty')}</EmptyState>
          ) : (
            <ul className="card-grid watchlist-cards" aria-label={t('listLabel')} tabIndex={0}>
              {data.items.map((item) => (
                <WatchlistCard key={`${item.mediaType}-${item.tmdbId}`} item={item} />
              ))}
            </ul>
          )}
          {data.unmatched > 0 && <p className="muted">{t('unmatched', { count: data.unmatched })}</p>}
        </>
      )}
    </section>
  );
}
