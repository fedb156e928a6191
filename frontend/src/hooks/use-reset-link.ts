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
import { i18next } from '../i18n';

export type LinkState =
  | { phase: 'checking' }
  | { phase: 'invalid'; message: string }
  | { phase: 'ready'; info: ResetLinkInfo }
  | { phase: 'done'; username: string };

/** In the current language, read when it is shown. */
export const invalidLinkMessage = () => i18next.t('auth:reset.invalidLink');

function tokenFromLocation(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, ''));
}

export function useResetLink() {
  const [token] = useState(tokenFromLocation);
  const [state, setState] = useState<LinkState>(
    token ? { phase: 'checking' } : { phase: 'invalid', message: i18next.t('auth:reset.incompleteLink') },
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
          setState({ phase: 'invalid', message: err instanceof ApiError && err.status === 410 ? invalidLinkMessage() : errorMessage(err) });
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
      if (err instanceof ApiError && err.status === 410) setState({ phase: 'invalid', message: invalidLinkMessage() });
      else throw err;
    }
  };

  return { state, setPassword };
}
