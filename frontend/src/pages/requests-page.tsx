/**
 * /requests: the signed-in user's requests (GET /api/v1/media/requests), with
 * status changes arriving live over 'request.updated'.
 */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { posterUrl, type MediaRequest } from '../api/types';
import { useUser } from '../app/session';
import { RequestStatusBadge, requestStatusLabel } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo } from '../components/format';
import { Page } from '../components/page';
import { Poster } from '../components/poster';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import { LiveIndicator } from './dashboard-page';

/** Applies live status changes to a list of requests and returns the latest announcement for screen readers. */
export function useLiveRequestUpdates<R extends MediaRequest>(
  setRequests: (update: (current: R[] | undefined) => R[] | undefined) => void,
  onlyRequestId?: number,
) {
  const [announcement, setAnnouncement] = useState('');
  useRealtimeEvent('request.updated', (event) => {
    if (onlyRequestId !== undefined && event.requestId !== onlyRequestId) return;
    setRequests((current) =>
      current?.map((r) =>
        r.id === event.requestId
          ? {
              ...r,
              status: event.status,
              stalled: event.stalled ?? r.stalled,
              updatedAt: event.status !== event.previousStatus ? new Date().toISOString() : r.updatedAt,
            }
          : r,
      ),
    );
    // Download progress arrives every minute; only a status change is announced.
    if (event.status === event.previousStatus) return;
    setAnnouncement(`“${event.title}” is now ${requestStatusLabel(event.status).toLowerCase()}.`);
  });
  return announcement;
}

export function RequestRow({ request, showUser = false }: { request: MediaRequest; showUser?: boolean }) {
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
          {request.mediaType === 'tv' ? 'TV show' : 'Movie'}
          {showUser ? ` · ${request.requestedBy.username}` : ''} · requested {formatAgo(request.createdAt)}
        </span>
      </span>
      {request.stalled && <span className="badge badge-warning">Stalled</span>}
      <RequestStatusBadge status={request.status} />
    </li>
  );
}

export const REQUESTS_PAGE_SIZE = 50;

export function Pager({
  page,
  totalPages,
  onPage,
  label,
}: {
  page: number;
  totalPages: number;
  onPage: (page: number) => void;
  label: string;
}) {
  if (totalPages <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button button-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {totalPages}
      </span>
      <button type="button" className="button button-small" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}

export function RequestsPage() {
  const me = useUser();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const requests = useApiData(async (signal) => api.get('/api/v1/media/requests', { page, pageSize: REQUESTS_PAGE_SIZE }, signal), [page]);
  const announcement = useLiveRequestUpdates((update) =>
    requests.setData((current) => (current ? { ...current, requests: update(current.requests) ?? [] } : current)),
  );
  // Back from a connection loss without the missed updates: read the list again.
  useRealtimeResync(() => requests.refresh());
  // Administrators get everyone's requests from the API; this page is about their own.
  const mine = requests.data?.requests.filter((r) => r.requestedBy.id === me.id) ?? [];

  return (
    <Page title="My requests" ready={!requests.loading} actions={<LiveIndicator />}>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {requests.loading ? (
        <SkeletonRows count={4} label="Loading your requests" />
      ) : requests.error ? (
        <ErrorMessage message={requests.error} onRetry={requests.reload} />
      ) : mine.length === 0 && page === 1 ? (
        <EmptyState>
          You have not requested anything yet. <Link to="/discover">Find something to watch</Link>.
        </EmptyState>
      ) : (
        <>
          <ul className="rows">
            {mine.map((r) => (
              <RequestRow key={r.id} request={r} />
            ))}
          </ul>
          <Pager
            page={page}
            totalPages={requests.data?.totalPages ?? 1}
            onPage={(p) => setParams({ page: String(p) })}
            label="Request pages"
          />
        </>
      )}
    </Page>
  );
}
