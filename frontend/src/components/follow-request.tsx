/**
 * "Notify me too": follow a request (anyone's) and hear when it is ready
 * (GET/POST/DELETE /api/v1/notifications/follows/:requestId). With `summary`,
 * it also shows what the request is — for members who did not make it.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import { useApiData } from '../hooks/use-api-data';
import { ErrorMessage } from './feedback';

export function FollowRequest({
  requestId,
  summary = false,
  fallbackError,
}: {
  requestId: string;
  summary?: boolean;
  fallbackError?: string;
}) {
  const state = useApiData(async (signal) => api.get('/api/v1/notifications/follows/:requestId', { requestId }, signal), [requestId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  if (state.loading) return null;
  if (state.error || !state.data) return fallbackError ? <ErrorMessage message={fallbackError} /> : null;
  const s = state.data;
  if (s.request.mine) return null; // the requester hears about their own request anyway

  const toggle = async () => {
    setBusy(true);
    setError(undefined);
    try {
      state.setData(
        s.following
          ? await api.delete('/api/v1/notifications/follows/:requestId', { requestId })
          : await api.post('/api/v1/notifications/follows/:requestId', undefined, { requestId }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel">
      {summary && (
        <p>
          <strong>{s.request.title}</strong> ({s.request.mediaType === 'tv' ? 'TV show' : 'movie'}), requested by {s.request.requestedBy}:{' '}
          {s.request.status}.
        </p>
      )}
      <p>
        <button
          type="button"
          className={s.following ? 'button' : 'button button-primary'}
          onClick={toggle}
          disabled={busy}
          aria-pressed={s.following}
        >
          {s.following ? 'Stop notifying me' : 'Notify me too'}
        </button>{' '}
        <span className="muted">
          {s.following ? 'You will be told when it is ready to watch' : 'Be told when it is ready to watch'} — on the channels you chose in{' '}
          <Link to="/notifications">Notifications</Link>.
        </span>
      </p>
      {error && <ErrorMessage message={error} />}
    </div>
  );
}
