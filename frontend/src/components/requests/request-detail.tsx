/**
 * One request in full: poster, facts, Play on Plex once available, the
 * stalled notice and Retry for administrators, download progress or the
 * estimate, "Report a problem" for the requester, the timeline, Cancel while
 * pending (the focus moves to the message that says it is cancelled), and
 * "Notify me too".
 */
import { useTranslation } from 'react-i18next';
import type { MediaRequestDetail } from '../../api/types';
import { posterUrl, safePlayUrl } from '../../api/types';
import { useUser } from '../../app/session';
import type { ApiData } from '../../hooks/use-api-data';
import { useRequestActions } from '../../hooks/use-request-actions';
import { RequestStatusBadge } from '../badges';
import { ErrorMessage } from '../feedback';
import { FollowRequest } from '../follow-request';
import { formatDateTime } from '../format';
import { PlayOnPlexLink } from '../play-on-plex-link';
import { Poster } from '../poster';
import { ReportProblem } from '../report-problem';
import { DownloadProgress } from './download-progress';
import { RequestEstimate } from './request-estimate';
import { RequestTimeline } from './request-timeline';
import './request-detail.css';

function RequestFacts({ r }: { r: MediaRequestDetail }) {
  const { t } = useTranslation('requests');
  return (
    <dl className="facts facts-beside-poster">
      <dt>{t('facts.status')}</dt>
      <dd>
        <RequestStatusBadge status={r.status} />
      </dd>
      <dt>{t('facts.type')}</dt>
      <dd>{t(`mediaType.${r.mediaType}`)}</dd>
      {r.seasons && r.seasons.length > 0 && (
        <>
          <dt>{t('facts.seasons')}</dt>
          <dd>{r.seasons.join(', ')}</dd>
        </>
      )}
      <dt>{t('facts.requestedBy')}</dt>
      <dd>{r.requestedBy.username}</dd>
      <dt>{t('facts.requested')}</dt>
      <dd>{formatDateTime(r.createdAt)}</dd>
      <dt>{t('facts.lastChange')}</dt>
      <dd>{formatDateTime(r.updatedAt)}</dd>
    </dl>
  );
}

export function RequestDetail({ r, request, followId }: { r: MediaRequestDetail; request: ApiData<MediaRequestDetail>; followId: string }) {
  const { t } = useTranslation('requests');
  const me = useUser();
  const actions = useRequestActions(request);
  const playUrl = safePlayUrl(r.playUrl);
  return (
    <article className="detail">
      <div className="detail-poster">
        <Poster src={posterUrl(r.posterPath)} title={r.title} />
      </div>
      <div className="detail-body">
        <RequestFacts r={r} />
        {playUrl && (
          <p>
            <PlayOnPlexLink url={playUrl} title={r.title} />
          </p>
        )}
        {r.stalled && (
          <div className="notice notice-warning" role="status">
            <strong>{t('stalled.title')}</strong> {t('stalled.body')} {me.role === 'admin' ? t('stalled.admin') : t('stalled.member')}
          </div>
        )}
        {me.role === 'admin' && (r.stalled || r.status === 'failed') && (
          <p>
            <button type="button" className="button" onClick={() => actions.retry(r)} disabled={actions.retrying}>
              {actions.retrying ? t('actions.retrying') : t('actions.retry')}
            </button>
          </p>
        )}
        {actions.retryError && <ErrorMessage message={actions.retryError} />}
        {r.download && r.status !== 'available' && <DownloadProgress progress={r.download} />}
        {r.estimate && !r.download?.estimatedCompletionAt && <RequestEstimate estimate={r.estimate} />}
        {r.status === 'available' && r.requestedBy.id === me.id && (
          <ReportProblem mediaType={r.mediaType} tmdbId={r.tmdbId} title={r.title} seasons={r.seasons} />
        )}
        {r.timeline.length > 0 && <RequestTimeline entries={r.timeline} />}
        {r.status === 'pending' && (
          <p>
            <button
              type="button"
              className="button button-danger"
              onClick={(event) => actions.cancel(r, event.currentTarget)}
              disabled={actions.cancelling}
            >
              {actions.cancelling ? t('actions.cancelling') : t('actions.cancel')}
            </button>
          </p>
        )}
        {actions.cancelled && (
          <p className="notice notice-success" role="status" tabIndex={-1} ref={actions.cancelledRef}>
            {t('actions.cancelled')}
          </p>
        )}
        {actions.cancelError && <ErrorMessage message={actions.cancelError} />}
        <FollowRequest target={{ requestId: followId }} />
      </div>
    </article>
  );
}
