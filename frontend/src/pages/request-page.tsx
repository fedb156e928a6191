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
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, messageOf } from '../api/client';
import { estimateText } from '../api/estimate';
import {
  posterUrl,
  safePlayUrl,
  type DownloadProgress,
  type MediaRequest,
  type MediaRequestDetail,
  type SeasonState,
  type TimelineEntry,
} from '../api/types';
import { useUser } from '../app/session';
import { RequestStatusBadge } from '../components/badges';
import { ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo, formatDateTime } from '../components/format';
import { FollowRequest } from '../components/follow-request';
import { Page } from '../components/page';
import { Poster } from '../components/poster';
import { ReportProblem } from '../components/report-problem';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import { LiveIndicator } from './dashboard-page';
import { PlayOnPlexLink } from './library-page';
import { useLiveRequestUpdates } from './requests-page';

export function RequestPage() {
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
  const me = useUser();
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | undefined>(undefined);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | undefined>(undefined);

  const cancel = async (r: MediaRequest) => {
    if (!window.confirm(`Cancel your request for “${r.title}”?`)) return;
    setCancelling(true);
    setCancelError(undefined);
    try {
      const { request: cancelled } = await api.delete('/api/v1/media/requests/:id', { id: r.id });
      // The answer is the request without its history: keep the timeline shown until the page re-reads it.
      request.setData((current) => (current ? { ...current, ...cancelled } : current));
    } catch (err) {
      setCancelError(messageOf(err));
    } finally {
      setCancelling(false);
    }
  };

  const retry = async (r: MediaRequest) => {
    setRetrying(true);
    setRetryError(undefined);
    try {
      request.setData((await api.post('/api/v1/media/requests/:id/retry', undefined, { id: r.id })).request);
    } catch (err) {
      setRetryError(messageOf(err));
    } finally {
      setRetrying(false);
    }
  };

  const r = request.data;
  const playUrl = safePlayUrl(r?.playUrl);
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
        <ErrorMessage message={request.error ?? 'Request not found'} />
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
              <dt>Requested by</dt>
              <dd>{r.requestedBy.username}</dd>
              <dt>Requested</dt>
              <dd>{formatDateTime(r.createdAt)}</dd>
              <dt>Last change</dt>
              <dd>{formatDateTime(r.updatedAt)}</dd>
            </dl>
            {playUrl && (
              <p>
                <PlayOnPlexLink url={playUrl} title={r.title} />
              </p>
            )}
            {r.stalled && (
              <div className="notice notice-warning" role="status">
                <strong>Stalled.</strong> Approved, but nothing has started downloading and it is not in the library yet.
                {me.role === 'admin' ? ' Check Radarr/Sonarr, then retry.' : ' The server owner has been told.'}
              </div>
            )}
            {me.role === 'admin' && (r.stalled || r.status === 'failed') && (
              <p>
                <button type="button" className="button" onClick={() => retry(r)} disabled={retrying}>
                  {retrying ? 'Retrying…' : 'Retry in Overseerr'}
                </button>
              </p>
            )}
            {retryError && <ErrorMessage message={retryError} />}
            {r.download && r.status !== 'available' && <Download progress={r.download} />}
            {r.estimate && !r.download?.estimatedCompletionAt && <Estimate estimate={r.estimate} />}
            {r.status === 'available' && r.requestedBy.id === me.id && (
              <ReportProblem mediaType={r.mediaType} tmdbId={r.tmdbId} title={r.title} seasons={r.seasons} />
            )}
            {r.timeline.length > 0 && <Timeline entries={r.timeline} />}
            {r.status === 'pending' && (
              <p>
                <button type="button" className="button button-danger" onClick={() => cancel(r)} disabled={cancelling}>
                  {cancelling ? 'Cancelling…' : 'Cancel request'}
                </button>
              </p>
            )}
            {cancelError && <ErrorMessage message={cancelError} />}
            <FollowRequest target={{ requestId: id }} />
          </div>
        </article>
      )}
    </Page>
  );
}

/** When the download queue gives no ETA: how long similar requests took, labelled as the estimate it is. */
function Estimate({ estimate }: { estimate: NonNullable<MediaRequestDetail['estimate']> }) {
  const text = estimateText(estimate);
  return (
    <section aria-labelledby="estimate-heading" className="estimate">
      <h2 id="estimate-heading" className="section-title">
        When to expect it
      </h2>
      <p>
        <strong>{text.headline}</strong>
      </p>
      <p className="muted">{text.basis}</p>
    </section>
  );
}

const STEP_LABELS: Record<string, string> = {
  requested: 'Requested',
  pending: 'Waiting for approval',
  approved: 'Approved',
  declined: 'Declined',
  processing: 'Sent for download',
  downloading: 'Downloading',
  available: 'Available in Plex',
  failed: 'Failed',
  cancelled: 'Cancelled',
  retried: 'Retried',
};

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" className="section-title">
        Timeline
      </h2>
      <ol className="timeline">
        {entries.map((e, i) => (
          <li key={`${e.step}-${i}`} className={`timeline-step timeline-${e.step}`}>
            <span className="timeline-label">
              {STEP_LABELS[e.step] ?? e.step}
              {e.actor ? ` by ${e.actor}` : ''}
            </span>
            <span className="muted timeline-time" title={formatDateTime(e.at)}>
              {formatAgo(e.at)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

const SEASON_LABELS: Record<SeasonState, string> = {
  pending: 'Waiting',
  processing: 'Downloading or searching',
  partially_available: 'Partly in Plex',
  available: 'In Plex',
};

function episodeTag(season: number | null, episode: number | null): string | null {
  if (season === null || episode === null) return null;
  return `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`;
}

function eta(iso: string | null): string {
  if (!iso) return 'no estimate yet';
  const ms = Date.parse(iso) - Date.now();
  if (!(ms > 0)) return 'finishing';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `about ${Math.max(1, minutes)} min left`;
  const hours = Math.floor(minutes / 60);
  return `about ${hours} h ${minutes % 60} min left`;
}

function Download({ progress }: { progress: DownloadProgress }) {
  return (
    <section aria-labelledby="download-heading" className="download">
      <h2 id="download-heading" className="section-title">
        Download
      </h2>
      {progress.items.length > 0 ? (
        <>
          <p className="download-summary">
            <progress max={100} value={progress.percent} aria-label="Downloaded" /> <strong>{progress.percent.toFixed(0)} %</strong> ·{' '}
            {eta(progress.estimatedCompletionAt)}
          </p>
          {progress.items.length > 1 && (
            <ul className="download-items">
              {progress.items.map((item, i) => (
                <li key={`${item.title}-${i}`}>
                  <span>{episodeTag(item.seasonNumber, item.episodeNumber) ?? item.title}</span>{' '}
                  <progress
                    max={100}
                    value={item.percent}
                    aria-label={`${episodeTag(item.seasonNumber, item.episodeNumber) ?? item.title} downloaded`}
                  />{' '}
                  <span className="muted">
                    {item.percent.toFixed(0)} % · {eta(item.estimatedCompletionAt)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <p className="muted">Nothing is downloading right now.</p>
      )}
      {progress.seasons.length > 0 && (
        <ul className="download-seasons">
          {progress.seasons.map((s) => (
            <li key={s.seasonNumber}>
              Season {s.seasonNumber}: {SEASON_LABELS[s.state]}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
