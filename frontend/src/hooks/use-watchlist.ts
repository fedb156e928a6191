/**
 * The member's Plex watchlist (GET /api/v1/watchlist) with "Request all"
 * (POST /api/v1/watchlist/request-all, whose answer also carries the
 * watchlist as it stands afterwards) and the opt-in to automatic requests
 * (PATCH /api/v1/watchlist/auto-request).
 */
import { useState } from 'react';
import type { WatchlistRequestAllResult, WatchlistResponse } from '@medianest/contracts';
import { api } from '../api/client';
import { useApiData } from './use-api-data';
import { useAsyncAction } from './use-async-action';

export function useWatchlist() {
  const watchlist = useApiData<WatchlistResponse>((signal) => api.get('/api/v1/watchlist', undefined, signal), []);
  const action = useAsyncAction();
  const [result, setResult] = useState<WatchlistRequestAllResult | undefined>(undefined);

  const requestAll = () =>
    action.run(async () => {
      const answer = await api.post('/api/v1/watchlist/request-all', undefined);
      setResult(answer);
      watchlist.setData(answer);
    });

  const setAutoRequest = (enabled: boolean) =>
    action.run(async () => {
      const autoRequest = await api.patch('/api/v1/watchlist/auto-request', { enabled });
      watchlist.setData((current) => current && { ...current, autoRequest });
    });

  return { watchlist, result, requestAll, setAutoRequest, busy: action.busy, error: action.error };
}
