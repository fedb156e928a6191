/**
 * What a search result card offers: "Report a problem" for a title in the
 * library, the caller's request once made, "Already requested" for a movie
 * someone else asked for (with "Notify me too", a follow by title: the member
 * is not told who asked for it), that Overseerr blocks a blocklisted title, a
 * Request button otherwise (a show stays requestable while some seasons are
 * missing). Requesting sends POST /api/v1/media/requests; a 409 says why it
 * was not needed.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../../api/client';
import { isObject, num } from '../../api/read';
import { reportProblemUrl, type RequestQuota, type RequestStatus, type SearchResult } from '../../api/types';
import { useFocusNext } from '../../hooks/use-focus-next';
import { FollowRequest } from '../follow-request';
import { QuotaBadge } from './quota-badge';

export type RequestState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'requested'; status: RequestStatus; requestId: number | null }
  | { kind: 'exists'; why: 'available' | 'requested' | 'blocked'; requestId: number | null }
  | { kind: 'failed'; message: string };

export interface QuotaProps {
  quota: RequestQuota | undefined;
  /** A request was made or refused: read the quota again. */
  onChange: () => void;
}

/**
 * A 409 from POST /api/v1/media/requests: already requested (by you or someone else) or already
 * available. Other conflicts (e.g. the account is not linked to Overseerr) are shown as errors.
 */
function conflictOf(err: ApiError): RequestState | undefined {
  const details = isObject(err.details) ? err.details : {};
  switch (details.reason) {
    case 'ALREADY_AVAILABLE':
      return { kind: 'exists', why: 'available', requestId: null };
    case 'DUPLICATE_REQUEST':
      return { kind: 'exists', why: 'requested', requestId: num(details.requestId) ?? null };
    case 'BLOCKLISTED':
      return { kind: 'exists', why: 'blocked', requestId: null };
    case 'ALREADY_REQUESTED':
    case undefined:
      return { kind: 'exists', why: 'requested', requestId: null };
    default:
      return undefined;
  }
}

export function initialRequestState(result: SearchResult): RequestState {
  return result.requestStatus ? { kind: 'requested', status: result.requestStatus, requestId: result.requestId } : { kind: 'idle' };
}

function RequestButton({
  result,
  state,
  quota,
  onSend,
}: {
  result: SearchResult;
  state: RequestState;
  quota: QuotaProps;
  onSend: () => void;
}) {
  const { t } = useTranslation('search');
  return (
    <div className="card-action">
      <button
        type="button"
        className="button button-primary button-small"
        onClick={onSend}
        disabled={state.kind === 'sending'}
        aria-label={t('request.label', { title: result.title })}
      >
        {state.kind === 'sending' ? t('request.sending') : state.kind === 'failed' ? t('common:tryAgain') : t('request.button')}
      </button>
      <QuotaBadge quota={quota.quota} mediaType={result.mediaType} />
      {state.kind === 'failed' && (
        <p className="field-error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}

export function RequestControl(props: {
  result: SearchResult;
  state: RequestState;
  setState: (s: RequestState) => void;
  quota: QuotaProps;
}) {
  const { t } = useTranslation('search');
  const { result, state, setState, quota } = props;
  // The Request button gives way to the outcome: focus follows it, so the keyboard stays on this card.
  const focus = useFocusNext();
  // In the library already: nothing to request, but something may be wrong with it.
  if (result.availability === 'available') {
    return (
      <p className="card-link">
        <Link
          to={reportProblemUrl(result.mediaType, result.tmdbId, result.title)}
          aria-label={t('common:reportProblemLabel', { title: result.title })}
        >
          {t('common:reportProblem')}
        </Link>
      </p>
    );
  }
  if (result.availability === 'blocklisted') return <p className="card-note">{t('exists.blocked')}</p>;
  if (
    state.kind === 'idle' &&
    result.mediaType === 'movie' &&
    (result.availability === 'requested' || result.availability === 'processing')
  ) {
    return (
      <p className="card-note">
        {t('exists.requested')} <FollowRequest target={{ type: result.mediaType, tmdbId: result.tmdbId }} compact />
      </p>
    );
  }

  const send = async () => {
    setState({ kind: 'sending' });
    try {
      const { request } = await api.post('/api/v1/media/requests', { mediaType: result.mediaType, tmdbId: result.tmdbId });
      focus.moveFocus();
      setState({ kind: 'requested', status: request.status, requestId: request.id });
    } catch (err) {
      const conflict = err instanceof ApiError && err.status === 409 ? conflictOf(err) : undefined;
      if (conflict) focus.moveFocus();
      setState(conflict ?? { kind: 'failed', message: errorMessage(err) });
    } finally {
      quota.onChange();
    }
  };

  if (state.kind === 'requested') {
    return state.requestId !== null ? (
      <p className="card-note">
        <Link ref={focus.target} to={`/requests/${state.requestId}`}>
          {t('viewRequest')}
        </Link>
      </p>
    ) : null;
  }
  if (state.kind === 'exists') {
    return (
      <p className="card-note" role="status" tabIndex={-1} ref={state.requestId === null ? focus.target : undefined}>
        {t(`exists.${state.why}`)}
        {state.requestId !== null ? (
          <Link ref={focus.target} to={`/requests/${state.requestId}`}>
            {t('viewRequest')}
          </Link>
        ) : (
          state.why === 'requested' && <FollowRequest target={{ type: result.mediaType, tmdbId: result.tmdbId }} compact />
        )}
      </p>
    );
  }
  return <RequestButton result={result} state={state} quota={quota} onSend={send} />;
}
