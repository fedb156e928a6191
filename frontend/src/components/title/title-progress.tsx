/**
 * The member's own request for this title, followed live: its status, the
 * download's progress and time left, or how long similar requests took, and
 * a link to the request's page.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { useApiData } from '../../hooks/use-api-data';
import { useRealtimeEvent } from '../../realtime/socket';
import { RequestStatusBadge } from '../badges';
import { DownloadProgress } from '../requests/download-progress';
import { RequestEstimate } from '../requests/request-estimate';

export function TitleProgress({ requestId }: { requestId: number }) {
  const { t } = useTranslation('title');
  const headingId = useId();
  const request = useApiData(
    async (signal) => (await api.get('/api/v1/media/requests/:id', { id: requestId }, signal)).request,
    [requestId],
  );
  useRealtimeEvent('request.updated', (event) => {
    if (event.requestId === requestId) request.refresh();
  });
  const r = request.data;
  if (!r) return null;
  return (
    <section aria-labelledby={headingId} className="title-progress">
      <h2 id={headingId} className="section-title">
        {t('progressHeading')}
      </h2>
      <p>
        <RequestStatusBadge status={r.status} /> <Link to={`/requests/${r.id}`}>{t('viewRequest')}</Link>
      </p>
      {r.download && r.status !== 'available' && <DownloadProgress progress={r.download} />}
      {r.estimate && !r.download?.estimatedCompletionAt && <RequestEstimate estimate={r.estimate} />}
    </section>
  );
}
