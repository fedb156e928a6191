/** One request in a list: poster, title linking to its page, type, who and when, stalled mark and status. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { posterUrl, type MediaRequest } from '../../api/types';
import { RequestStatusBadge } from '../badges';
import { formatAgo } from '../format';
import { Poster } from '../poster';
import './request-row.css';

export function RequestRow({ request, showUser = false }: { request: MediaRequest; showUser?: boolean }) {
  const { t } = useTranslation('requests');
  return (
    <li className="row request-row">
      <span className="thumb">
        <Poster src={posterUrl(request.posterPath)} title={request.title} />
      </span>
      <span className="row-main">
        <Link to={`/requests/${request.id}`} className="row-title">
          {request.title}
        </Link>
        <span className="muted row-sub">
          {t(`mediaType.${request.mediaType}`)}
          {showUser ? ` · ${request.requestedBy.username}` : ''} · {t('row.requested', { ago: formatAgo(request.createdAt) })}
        </span>
      </span>
      {request.stalled && <span className="badge badge-warning">{t('row.stalled')}</span>}
      <RequestStatusBadge status={request.status} />
    </li>
  );
}
