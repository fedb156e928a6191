/** One title of the member's Plex watchlist: poster, title, year and type, and its availability or the member's request. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { WatchlistItem } from '@medianest/contracts';
import { posterUrl } from '../../api/types';
import { AvailabilityBadge, RequestStatusBadge } from '../badges';
import { Poster } from '../poster';
import '../media-card.css';

export function WatchlistCard({ item }: { item: WatchlistItem }) {
  const { t } = useTranslation('watchlist');
  return (
    <li className="media-card">
      <Poster src={posterUrl(item.posterPath)} title={item.title} />
      <h3 className="card-title">{item.title}</h3>
      <p className="card-meta">
        {item.year ?? t('yearUnknown')} · {item.mediaType === 'tv' ? t('show') : t('movie')}
      </p>
      <p className="card-badges">
        {item.requestStatus ? <RequestStatusBadge status={item.requestStatus} /> : <AvailabilityBadge availability={item.availability} />}
      </p>
      {item.requestId !== null && (
        <p className="card-note">
          <Link to={`/requests/${item.requestId}`} aria-label={`${t('viewRequest')}: ${item.title}`}>
            {t('viewRequest')}
          </Link>
        </p>
      )}
    </li>
  );
}
