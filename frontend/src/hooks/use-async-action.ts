/**
 * Runs one action at a time: `busy` while it runs, its failure (in words) in `error`, cleared when
 * the next one starts; `done` once the latest one succeeded.
 */
import { useState } from 'react';
import { errorMessage } from '../api/client';

export function useAsyncAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await work();
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, setError, run };
}
