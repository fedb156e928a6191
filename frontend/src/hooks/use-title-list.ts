/**
 * A row of titles loaded page by page: the first page once the row is
 * `active` (in view), the next on `loadMore` (its end scrolled near, or
 * "More"). With a `cacheKey`, the loaded titles are remembered for the tab
 * and shown at once next time; when the server does not answer, they stay on
 * screen and `outage` says they are what was loaded earlier.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import type { SearchResult, TitleListPage } from '../api/types';
import { remember, remembered } from './title-list-cache';

interface Loaded {
  items: SearchResult[];
  page: number;
  totalPages: number;
}

export interface TitleList {
  items: SearchResult[];
  /** The first page has arrived (now or in an earlier visit). */
  loaded: boolean;
  loading: boolean;
  error: string | undefined;
  /** The server or Overseerr did not answer (503, or no connection). */
  outage: boolean;
  hasMore: boolean;
  loadMore: () => void;
  retry: () => void;
}

const keyOf = (r: SearchResult) => `${r.mediaType}-${r.tmdbId}`;

function append(items: SearchResult[], more: SearchResult[]): SearchResult[] {
  const seen = new Set(items.map(keyOf));
  return [...items, ...more.filter((r) => !seen.has(keyOf(r)))];
}

export function useTitleList(
  load: (page: number, signal: AbortSignal) => Promise<TitleListPage>,
  active: boolean,
  cacheKey?: string,
): TitleList {
  const [loaded, setLoaded] = useState<Loaded>(() => remembered<Loaded>(cacheKey) ?? { items: [], page: 0, totalPages: 1 });
  const [wanted, setWanted] = useState(1);
  const [attempt, setAttempt] = useState(0);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<{ message: string; outage: boolean }>();
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    setLoading(true);
    setFailure(undefined);
    loader.current(wanted, controller.signal).then(
      (p) => {
        if (controller.signal.aborted) return;
        setLoaded((current) => {
          const next = { items: wanted === 1 ? p.results : append(current.items, p.results), page: p.page, totalPages: p.totalPages };
          remember(cacheKey, next);
          return next;
        });
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setFailure({ message: errorMessage(err), outage: err instanceof ApiError && (err.status === 503 || err.status === 0) });
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [active, wanted, attempt, cacheKey]);

  const next = loaded.page + 1;
  const loadMore = useCallback(() => setWanted((w) => Math.max(w, next)), [next]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return {
    items: loaded.items,
    loaded: loaded.page > 0,
    loading,
    error: failure?.message,
    outage: failure?.outage ?? false,
    hasMore: loaded.page > 0 && loaded.page < loaded.totalPages,
    loadMore,
    retry,
  };
}
