/** A title in a Plex library: poster, name, year and when it was added, Play on Plex, Report a problem. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { LibraryItem } from '../../api/types';
import { formatAgo } from '../format';
import { PlayOnPlexLink } from '../play-on-plex-link';
import { Poster } from '../poster';
import '../media-card.css';

export function LibraryItemCard({ item }: { item: LibraryItem }) {
  const { t } = useTranslation('library');
  return (
    <li className="media-card">
      <Poster src={item.image} title={item.title} />
      <h3 className="card-title">{item.title}</h3>
      {item.subtitle && <p className="card-meta">{item.subtitle}</p>}
      <p className="card-meta">
        {item.year ?? ''}
        {item.year && item.addedAt ? ' · ' : ''}
        {item.addedAt ? t('added', { ago: formatAgo(item.addedAt) }) : ''}
      </p>
      {item.playUrl && <PlayOnPlexLink url={item.playUrl} title={item.title} small />}
      {item.reportUrl && (
        <p className="card-link">
          <Link to={item.reportUrl} aria-label={t('common:reportProblemLabel', { title: item.title })}>
            {t('common:reportProblem')}
          </Link>
        </p>
      )}
    </li>
  );
}
