/**
 * /requests/:id: one request (GET /api/v1/media/requests/:id), live status,
 * and cancel (DELETE) while it is still pending.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, messageOf } from '../api/client';
import { posterUrl, readMediaRequest, type MediaRequest } from '../api/types';
import { RequestStatusBadge } from '../components/badges';
import { ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatDateTime } from '../components/format';
import { Page } from '../components/page';
import { Poster } from '../components/poster';
import { useApiData } from '../hooks/use-api-data';
import { LiveIndicator } from './dashboard-page';
import { useLiveRequestUpdates } from './requests-page';
import { useRealtimeResync } from '../realtime/socket';

export function RequestPage() {
  const { id = '' } = useParams();
  const request = useApiData(async (signal) => {
    const found = readMediaRequest(await api.get<unknown>('/api/v1/media/requests/:id', { id }, signal));
    if (!found) throw new Error('The server sent an unreadable request');
    return found;
  }, [id]);
  const announcement = useLiveRequestUpdates(
    (update) => request.setData((current) => (current ? update([current])?.[0] : current)),
    Number(id),
  );
  // Back from a connection loss without the missed updates: read the request again.
  useRealtimeResync(() => request.refresh());
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | undefined>(undefined);

  const cancel = async (r: MediaRequest) => {
    if (!window.confirm(`Cancel your request for “${r.title}”?`)) return;
    setCancelling(true);
    setCancelError(undefined);
    try {
      const body = await api.delete<unknown>('/api/v1/media/requests/:id', { id: r.id });
      const updated = readMediaRequest(body);
      request.setData(updated ?? { ...r, status: 'cancelled' });
    } catch (err) {
      setCancelError(messageOf(err));
    } finally {
      setCancelling(false);
    }
  };

  const r = request.data;
  return (
    <Page
      title={r ? r.title : 'Request'}
      ready={!request.loading}
      back={<Link to="/requests">← My requests</Link>}
      actions={<LiveIndicator />}
    >
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {request.loading ? (
        <SkeletonRows count={3} label="Loading the request" />
      ) : request.error || !r ? (
        <ErrorMessage message={request.error ?? 'Request not found'} onRetry={request.reload} />
      ) : (
        <article className="detail">
          <div className="detail-poster">
            <Poster src={posterUrl(r.posterPath)} title={r.title} />
          </div>
          <div className="detail-body">
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <RequestStatusBadge status={r.status} />
              </dd>
              <dt>Type</dt>
              <dd>{r.mediaType === 'tv' ? 'TV show' : 'Movie'}</dd>
              {r.seasons && r.seasons.length > 0 && (
                <>
                  <dt>Seasons</dt>
                  <dd>{r.seasons.join(', ')}</dd>
                </>
              )}
              {r.username && (
                <>
                  <dt>Requested by</dt>
                  <dd>{r.username}</dd>
                </>
              )}
              <dt>Requested</dt>
              <dd>{formatDateTime(r.createdAt)}</dd>
              <dt>Last change</dt>
              <dd>{formatDateTime(r.updatedAt)}</dd>
            </dl>
            {r.status === 'pending' && (
              <p>
                <button type="button" className="button button-danger" onClick={() => cancel(r)} disabled={cancelling}>
                  {cancelling ? 'Cancelling…' : 'Cancel request'}
                </button>
              </p>
            )}
            {cancelError && <ErrorMessage message={cancelError} />}
          </div>
        </article>
      )}
    </Page>
  );
}
