/**
 * /reset-password#<token>: the page behind a one-time link an administrator
 * made. It asks the server who the link is for (POST …/password-reset/inspect),
 * then sets the new password (POST /api/v1/auth/password-reset). The token is
 * in the fragment, so it never reaches a server log or another site.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../api/client';
import type { ResetLinkInfo } from '../api/types';
import { ErrorMessage, Notice, SkeletonRows } from '../components/feedback';
import { formatDateTime } from '../components/format';
import { Page, SignedOutCard } from '../components/page';
import { NewPasswordFields, passwordProblem } from '../components/password-fields';

type LinkState =
  | { phase: 'checking' }
  | { phase: 'invalid'; message: string }
  | { phase: 'ready'; info: ResetLinkInfo }
  | { phase: 'done'; username: string };

const INVALID =
  'This link does not work any more: it was used, it expired, or a newer link replaced it. Ask an administrator for a new one.';

function tokenFromLocation(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, ''));
}

export function ResetPasswordPage() {
  const [token] = useState(tokenFromLocation);
  const [state, setState] = useState<LinkState>(
    token
      ? { phase: 'checking' }
      : { phase: 'invalid', message: 'This page needs the whole link you were given (it ends with a long code after #).' },
  );
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (!token) return;
    let active = true;
    api.post('/api/v1/auth/password-reset/inspect', { token }).then(
      (info) => {
        if (!active) return;
        setState({ phase: 'ready', info });
      },
      (err: unknown) => {
        if (!active) return;
        setState({ phase: 'invalid', message: err instanceof ApiError && err.status === 410 ? INVALID : errorMessage(err) });
      },
    );
    return () => {
      active = false;
    };
  }, [token]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = passwordProblem(password, confirmation);
    if (problem) return setError(problem);
    setSubmitting(true);
    setError(undefined);
    try {
      const body = await api.post('/api/v1/auth/password-reset', { token, newPassword: password });
      // Keep the used token out of the address bar and the history.
      window.history.replaceState(null, '', window.location.pathname);
      setState({ phase: 'done', username: body.username });
    } catch (err) {
      if (err instanceof ApiError && err.status === 410) setState({ phase: 'invalid', message: INVALID });
      else setError(errorMessage(err));
      setSubmitting(false);
    }
  };

  return (
    <SignedOutCard>
      <Page title="Set your password" ready={state.phase !== 'checking'}>
        {state.phase === 'checking' && <SkeletonRows count={2} label="Checking your link" />}
        {state.phase === 'invalid' && (
          <>
            <ErrorMessage message={state.message} />
            <p>
              <Link to="/login">Go to sign-in</Link>
            </p>
          </>
        )}
        {state.phase === 'ready' && (
          <form className="form" onSubmit={onSubmit} noValidate>
            <p>
              Choose a password for <strong>{state.info.username}</strong>.
              <span className="muted"> This link works once, until {formatDateTime(state.info.expiresAt)}.</span>
            </p>
            <NewPasswordFields
              password={password}
              confirmation={confirmation}
              onPassword={setPassword}
              onConfirmation={setConfirmation}
              username={state.info.username}
            />
            {error && <ErrorMessage message={error} />}
            <button type="submit" className="button button-primary button-block" disabled={submitting || !password || !confirmation}>
              {submitting ? 'Saving…' : 'Set password'}
            </button>
          </form>
        )}
        {state.phase === 'done' && (
          <>
            <Notice tone="success">
              Your password is set{state.username ? ` for ${state.username}` : ''}. Any browser that was signed in to this account has been
              signed out.
            </Notice>
            <p>
              <Link className="button button-primary button-block" to="/login">
                Sign in
              </Link>
            </p>
          </>
        )}
      </Page>
    </SignedOutCard>
  );
}
