/**
 * /login: local username and password, or "Sign in with Plex" (PIN flow:
 * create a PIN, open Plex's sign-in page in a new window, poll verify every
 * 2 s until the server says signed in, expired or no access).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, ApiError, callRoute, messageOf } from '../api/client';
import type { User } from '../api/types';
import { useSession } from '../app/session';
import { ErrorMessage, Notice } from '../components/feedback';
import { Page, SignedOutCard } from '../components/page';

export const PLEX_POLL_INTERVAL_MS = 2000;

interface LoginState {
  from?: string;
  expired?: boolean;
}

type PlexState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'waiting'; authUrl: string; popupBlocked: boolean }
  | { phase: 'failed'; message: string };

function safeReturnPath(from: unknown): string {
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login') ? from : '/';
}

export function LoginPage() {
  const { session, signedIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const state = (location.state ?? {}) as LoginState;
  const returnTo = safeReturnPath(state.from);

  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [plex, setPlex] = useState<PlexState>({ phase: 'idle' });
  const pollTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const cancelled = useRef(false);

  useEffect(() => {
    cancelled.current = false;
    return () => {
      cancelled.current = true;
      clearTimeout(pollTimer.current);
    };
  }, []);

  if (session.status === 'signed-in') return <Navigate to={returnTo} replace />;

  const finish = (user: User) => {
    signedIn(user);
    void navigate(returnTo, { replace: true });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      finish((await api.post('/api/v1/auth/login', { username, password })).user);
    } catch (err) {
      setError(messageOf(err));
      setSubmitting(false);
    }
  };

  const stopPlex = () => {
    clearTimeout(pollTimer.current);
    setPlex({ phase: 'idle' });
  };

  const poll = (id: number, expiresAt: number | undefined) => {
    pollTimer.current = setTimeout(async () => {
      if (cancelled.current) return;
      try {
        const res = await callRoute('POST', '/api/v1/auth/plex/verify', { id });
        if (cancelled.current) return;
        if (res.status === 202) {
          if (expiresAt !== undefined && Date.now() > expiresAt) {
            setPlex({ phase: 'failed', message: 'The Plex sign-in expired before it was finished. Please start again.' });
            return;
          }
          poll(id, expiresAt);
          return;
        }
        if (!('user' in res.data)) throw new Error('The server did not return the signed-in user');
        finish(res.data.user);
      } catch (err) {
        if (cancelled.current) return;
        let message = messageOf(err);
        if (err instanceof ApiError && err.status === 410) message = 'The Plex sign-in expired before it was finished. Please start again.';
        else if (err instanceof ApiError && err.status === 403)
          message = err.message || 'Your Plex account does not have access to this server.';
        setPlex({ phase: 'failed', message });
      }
    }, PLEX_POLL_INTERVAL_MS);
  };

  const startPlex = async () => {
    setError(undefined);
    setPlex({ phase: 'starting' });
    // Open the window now, inside the click, so popup blockers allow it; point it at Plex once we know where.
    const popup = window.open('about:blank', 'medianest-plex-login', 'popup,width=600,height=720');
    try {
      const { id, authUrl, expiresAt: expiresAtText } = await api.post('/api/v1/auth/plex/pin', undefined);
      if (!/^https?:\/\//.test(authUrl)) throw new Error('The server did not return a Plex sign-in link');
      const expiresAt = Date.parse(expiresAtText);
      if (popup && !popup.closed) popup.location.href = authUrl;
      setPlex({ phase: 'waiting', authUrl, popupBlocked: !popup });
      poll(id, Number.isNaN(expiresAt) ? undefined : expiresAt);
    } catch (err) {
      popup?.close();
      setPlex({ phase: 'failed', message: messageOf(err) });
    }
  };

  return (
    <SignedOutCard>
      <Page title="Sign in" ready>
        {state.expired && <Notice tone="warning">Your session has ended. Please sign in again.</Notice>}

        <section aria-labelledby="plex-heading" className="login-section">
          <h2 id="plex-heading" className="visually-hidden">
            Sign in with Plex
          </h2>
          {plex.phase === 'waiting' ? (
            <div className="notice notice-info" role="status">
              <p>Finish signing in on the Plex page. This page continues by itself.</p>
              {plex.popupBlocked && (
                <p>
                  <a href={plex.authUrl} target="_blank" rel="noopener noreferrer">
                    Open the Plex sign-in page
                  </a>
                </p>
              )}
              <button type="button" className="button button-small button-quiet" onClick={stopPlex}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" className="button button-plex button-block" onClick={startPlex} disabled={plex.phase === 'starting'}>
              {plex.phase === 'starting' ? 'Contacting Plex…' : 'Sign in with Plex'}
            </button>
          )}
          {plex.phase === 'failed' && <ErrorMessage message={plex.message} />}
        </section>

        <p className="divider">
          <span>or with a MediaNest account</span>
        </p>

        <form className="form" onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor="login-username">Username</label>
            <input
              id="login-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {error && <ErrorMessage message={error} />}
          <button type="submit" className="button button-primary button-block" disabled={submitting || !username || !password}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </Page>
    </SignedOutCard>
  );
}
