/**
 * "Notify me too": follow a request and hear when it is ready. The requester
 * and administrators reach a request by its id (GET/POST/DELETE
 * /api/v1/notifications/follows/:requestId); any other member by naming the
 * title someone already requested (…/follows/title/:type/:tmdbId, from
 * "Already requested" on Discover), and is not told who asked for it.
 */
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import type { FollowState, MediaType } from '../api/types';
import { useApiData } from '../hooks/use-api-data';
import { ErrorMessage } from './feedback';

export type FollowTarget = { requestId: string } | { type: MediaType; tmdbId: number };

function read(target: FollowTarget, signal: AbortSignal): Promise<FollowState> {
  return 'requestId' in target
    ? api.get('/api/v1/notifications/follows/:requestId', target, signal)
    : api.get('/api/v1/notifications/follows/title/:type/:tmdbId', target, signal);
}

function change(target: FollowTarget, follow: boolean): Promise<FollowState> {
  if ('requestId' in target) {
    return follow
      ? api.post('/api/v1/notifications/follows/:requestId', undefined, target)
      : api.delete('/api/v1/notifications/follows/:requestId', target);
  }
  return follow
    ? api.post('/api/v1/notifications/follows/title/:type/:tmdbId', undefined, target)
    : api.delete('/api/v1/notifications/follows/title/:type/:tmdbId', target);
}

export function FollowRequest({ target, compact = false }: { target: FollowTarget; compact?: boolean }) {
  const { t } = useTranslation('notifications');
  const key = 'requestId' in target ? target.requestId : `${target.type}/${target.tmdbId}`;
  const state = useApiData(async (signal) => read(target, signal), [key]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  if (state.loading || state.error || !state.data) return null;
  const s = state.data;
  if (s.request.mine) return null; // the requester hears about their own request anyway

  const toggle = async () => {
    setBusy(true);
    setError(undefined);
    try {
      state.setData(await change(target, !s.following));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const button = (
    <button
      type="button"
      className={`${s.following ? 'button' : 'button button-primary'}${compact ? ' button-small' : ''}`}
      onClick={toggle}
      disabled={busy}
      aria-pressed={s.following}
      aria-label={
        compact
          ? s.following
            ? t('follow.stopLabel', { title: s.request.title })
            : t('follow.startLabel', { title: s.request.title })
          : undefined
      }
    >
      {s.following ? t('follow.stop') : t('follow.start')}
    </button>
  );
  if (compact) {
    return (
      <span className="card-follow">
        {button}
        {error && <ErrorMessage message={error} />}
      </span>
    );
  }
  return (
    <div className="panel">
      <p>
        {button}{' '}
        <span className="muted">
          {s.following ? (
            <Trans t={t} i18nKey="follow.following" components={{ go: <Link to="/notifications" /> }} />
          ) : (
            <Trans t={t} i18nKey="follow.offer" components={{ go: <Link to="/notifications" /> }} />
          )}
        </span>
      </p>
      {error && <ErrorMessage message={error} />}
    </div>
  );
}
