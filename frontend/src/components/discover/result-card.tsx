/**
 * A title as a card (search results, Discover rows, recommendations): poster,
 * title (a link to its page), year and type, its availability or the caller's
 * request status, and what can be done with it.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { posterUrl, titlePath, type SearchResult } from '../../api/types';
import { AvailabilityBadge, RequestStatusBadge } from '../badges';
import { Poster } from '../poster';
import { initialRequestState, RequestControl, type QuotaProps, type RequestState } from './request-control';
import '../media-card.css';

export function ResultCard({ result, quota }: { result: SearchResult; quota: QuotaProps }) {
  const { t } = useTranslation('search');
  const [state, setState] = useState<RequestState>(() => initialRequestState(result));
  return (
    <li className="media-card">
      <Poster src={posterUrl(result.posterPath)} title={result.title} />
      <h3 className="card-title">
        <Link to={titlePath(result.mediaType, result.tmdbId)}>{result.title}</Link>
      </h3>
      <p className="card-meta">
        {result.year ?? t('yearUnknown')} · {t(`requests:mediaType.${result.mediaType}`)}
      </p>
      <p className="card-badges" role="status">
        {state.kind === 'requested' ? (
          <RequestStatusBadge status={state.status} />
        ) : (
          <AvailabilityBadge availability={result.availability} />
        )}
      </p>
      <RequestControl result={result} state={state} setState={setState} quota={quota} />
    </li>
  );
}
