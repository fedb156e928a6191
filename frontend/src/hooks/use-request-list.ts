/**
 * A page of requests (GET /api/v1/media/requests), kept live: status changes
 * arrive over 'request.updated', and after a connection loss that missed
 * events the page is read again. Returns the data and the latest status
 * change, worded for a screen reader.
 */
import type { RequestStatus } from '../api/types';
import { api } from '../api/client';
import { useApiData } from './use-api-data';
import { useLiveRequestUpdates } from './use-live-request-updates';
import { useRealtimeResync } from '../realtime/socket';

export const REQUESTS_PAGE_SIZE = 50;

export function useRequestList(page: number, status: RequestStatus | '' = '') {
  const requests = useApiData(
    async (signal) => api.get('/api/v1/media/requests', { status, page, pageSize: REQUESTS_PAGE_SIZE }, signal),
    [status, page],
  );
  const announcement = useLiveRequestUpdates((update) =>
    requests.setData((current) => (current ? { ...current, requests: update(current.requests) ?? [] } : current)),
  );
  // Back from a connection loss without the missed updates: read the list again.
  useRealtimeResync(() => requests.refresh());
  return { requests, announcement };
}
