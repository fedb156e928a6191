/**
 * Loads data for a page: loading / error / data states (with the server's
 * `reason` for a refusal), abort on unmount or when the inputs change,
 * `reload` for a retry button (shows the skeleton again) and `refresh` for a
 * quiet re-fetch that keeps the current data on screen until the new data
 * arrives.
 */
import { useCallback, useEffect, useRef, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';
import { errorMessage, errorReason } from '../api/client';

export interface ApiData<T> {
  data: T | undefined;
  error: string | undefined;
  /** The failed call's `details.reason`, when the server gave one (OVERSEERR_USER_NOT_LINKED…). */
  reason: string | undefined;
  /** True while the first load (or a reload after an error) is in flight. */
  loading: boolean;
  reload: () => void;
  refresh: () => void;
  setData: Dispatch<SetStateAction<T | undefined>>;
}

export function useApiData<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): ApiData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const loader = useRef(load);
  const quiet = useRef(false);
  loader.current = load; // always the latest closure, without reloading on every render

  useEffect(() => {
    const controller = new AbortController();
    const silent = quiet.current;
    quiet.current = false;
    if (!silent) {
      setLoading(true);
      setError(undefined);
      setReason(undefined);
    }
    loader.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setReason(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(errorMessage(err));
        setReason(errorReason(err));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // The caller's deps decide when to load again; `load` itself is read from the ref.
  }, [...deps, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const refresh = useCallback(() => {
    quiet.current = true;
    setAttempt((n) => n + 1);
  }, []);
  return { data, error, reason, loading, reload, refresh, setData };
}
