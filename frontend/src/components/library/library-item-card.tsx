/** A title in a Plex library: poster, name, year and when it was added, Play on Plex, Report a problem. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { LibraryItem } from '../../api/types';
import { formatAgo } from '../format';
import { PlayOnPlexLink } from '../play-on-plex-link';
import { Poster } from '../poster';
import '../media-card.css';

/** `level`: the title's heading level under the page's headings (2 straight under the <h1>, 3 under a section's <h2>). */
export function LibraryItemCard({ item, level = 3 }: { item: LibraryItem; level?: 2 | 3 }) {
  const { t } = useTranslation('library');
  const Title = level === 2 ? 'h2' : 'h3';
  return (
    <li className="media-card">
      <Poster src={item.image} title={item.title} />
      <Title className="card-title">{item.title}</Title>
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
