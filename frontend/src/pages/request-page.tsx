/**
 * /requests/:id: one request (GET /api/v1/media/requests/:id) with its
 * timeline (requested, approved or declined and by whom, processing,
 * downloading with progress and ETA — per episode and per season for TV —,
 * available with a Play on Plex link, or failed), kept live by
 * 'request.updated'; cancel (DELETE) while it is still pending; a stalled
 * mark, and Retry for administrators (POST …/retry); "Notify me too" for
 * administrators following someone else's request (other members follow a
 * title from Discover, never by request id).
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { MediaRequestDetail } from '../api/types';
import { ErrorMessage, SkeletonRows } from '../components/feedback';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { RequestDetail } from '../components/requests/request-detail';
import { useApiData } from '../hooks/use-api-data';
import { useLiveRequestUpdates } from '../hooks/use-live-request-updates';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';

export function RequestPage() {
  const { t } = useTranslation('requests');
  const { id = '' } = useParams();
  const request = useApiData(async (signal) => (await api.get('/api/v1/media/requests/:id', { id }, signal)).request, [id]);
  const announcement = useLiveRequestUpdates<MediaRequestDetail>(
    (update) => request.setData((current) => (current ? update([current])?.[0] : current)),
    Number(id),
  );
  // Back from a connection loss without the missed updates: read the request again.
  useRealtimeResync(() => request.refresh());
  // The page shows more than a status (timeline, progress): any change re-reads it quietly.
  useRealtimeEvent('request.updated', (event) => {
    if (event.requestId === Number(id)) request.refresh();
  });

  const r = request.data;
  return (
    <Page
      title={r ? r.title : t('one.title')}
      ready={!request.loading}
      back={<Link to="/requests">← {t('mine.title')}</Link>}
      actions={<LiveIndicator />}
    >
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {request.loading ? (
        <SkeletonRows count={3} label={t('one.loading')} />
      ) : request.error || !r ? (
        <ErrorMessage message={request.error ?? t('one.notFound')} />
      ) : (
        <RequestDetail r={r} request={request} followId={id} />
      )}
    </Page>
  );
}
