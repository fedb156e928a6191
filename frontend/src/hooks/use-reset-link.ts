/**
 * A one-time password link (/reset-password#<token>): asks the server who it
 * is for (POST /api/v1/auth/password-reset/inspect), then sets the new
 * password with it (POST /api/v1/auth/password-reset). The token is read from
 * the fragment, so it never reaches a server log or another site, and is
 * taken out of the address bar once used.
 */
import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage } from '../api/client';
import type { ResetLinkInfo } from '../api/types';

export type LinkState =
  | { phase: 'checking' }
  | { phase: 'invalid'; message: string }
  | { phase: 'ready'; info: ResetLinkInfo }
  | { phase: 'done'; username: string };

export const INVALID_LINK =
  'This link does not work any more: it was used, it expired, or a newer link replaced it. Ask an administrator for a new one.';

function tokenFromLocation(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, ''));
}

export function useResetLink() {
  const [token] = useState(tokenFromLocation);
  const [state, setState] = useState<LinkState>(
    token
      ? { phase: 'checking' }
      : { phase: 'invalid', message: 'This page needs the whole link you were given (it ends with a long code after #).' },
  );

  useEffect(() => {
    if (!token) return;
    let active = true;
    api.post('/api/v1/auth/password-reset/inspect', { token }).then(
      (info) => {
        if (active) setState({ phase: 'ready', info });
      },
      (err: unknown) => {
        if (active)
          setState({ phase: 'invalid', message: err instanceof ApiError && err.status === 410 ? INVALID_LINK : errorMessage(err) });
      },
    );
    return () => {
      active = false;
    };
  }, [token]);

  /** Sets the password; a link that stopped working in the meantime turns the page to "invalid", other failures are thrown. */
  const setPassword = async (newPassword: string) => {
    try {
      const body = await api.post('/api/v1/auth/password-reset', { token, newPassword });
      // Keep the used token out of the address bar and the history.
      window.history.replaceState(null, '', window.location.pathname);
      setState({ phase: 'done', username: body.username });
    } catch (err) {
      if (err instanceof ApiError && err.status === 410) setState({ phase: 'invalid', message: INVALID_LINK });
      else throw err;
    }
  };

  return { state, setPassword };
}
