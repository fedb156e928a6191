/**
 * The rows of the Discover page (GET /api/v1/discover/rows), loaded while no
 * search is shown. The list is remembered for the tab: when Overseerr does
 * not answer, the rows loaded earlier stay on screen and `outage` says why
 * nothing new comes.
 */
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import type { DiscoverRow } from '../api/types';
import { useUser } from '../app/session';
import { useApiData } from './use-api-data';
import { remember, remembered } from './title-list-cache';

export interface DiscoverRowsState {
  rows: DiscoverRow[];
  loading: boolean;
  error: string | undefined;
  /** Why the server refused, when it says (OVERSEERR_USER_NOT_LINKED: the account has no Overseerr user). */
  reason: string | undefined;
  /** Overseerr (or MediaNest) did not answer; `rows` are the ones loaded earlier, if any. */
  outage: boolean;
  retry: () => void;
  /** Whose rows these are (the member's id): the key of what the tab remembers. */
  scope: string;
}

const isOutage = (err: unknown) => err instanceof ApiError && (err.status === 503 || err.status === 0);

export function useDiscoverRows(enabled: boolean): DiscoverRowsState {
  const { id: scope } = useUser();
  const key = `${scope}:discover-rows`;
  const [outage, setOutage] = useState(false);
  const answer = useApiData<DiscoverRow[]>(
    async (signal) => {
      if (!enabled) return remembered<DiscoverRow[]>(key) ?? [];
      try {
        const { rows } = await api.get('/api/v1/discover/rows', undefined, signal);
        remember(key, rows);
        setOutage(false);
        return rows;
      } catch (err) {
        setOutage(isOutage(err));
        const earlier = remembered<DiscoverRow[]>(key);
        if (earlier && isOutage(err)) return earlier;
        throw err;
      }
    },
    [enabled, key],
  );
  return {
    rows: answer.data ?? [],
    loading: answer.loading,
    error: answer.error,
    reason: answer.reason,
    outage,
    retry: answer.reload,
    scope,
  };
}
