/**
 * "Sign in with Plex", the PIN flow: create a PIN (POST /api/v1/auth/plex/pin),
 * open Plex's sign-in page in a new window, then ask the server every 2 s
 * (POST /api/v1/auth/plex/verify) until it answers with the signed-in user,
 * the PIN expires (410, or its expiry time passes while still waiting) or
 * the Plex account has no access to this server (403).
 */
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, callRoute, errorMessage } from '../api/client';
import type { User } from '../api/types';
import { i18next } from '../i18n';

export const PLEX_POLL_INTERVAL_MS = 2000;
/** In the current language, read when it is shown. */
export const plexExpiredMessage = () => i18next.t('auth:plex.expired');

export type PlexState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'waiting'; authUrl: string; popupBlocked: boolean }
  | { phase: 'failed'; message: string };

function failureMessage(err: unknown): string {
  if (err instanceof ApiError && err.status === 410) return plexExpiredMessage();
  return errorMessage(err);
}

export function usePlexSignIn(onSignedIn: (user: User) => void) {
  const [plex, setPlex] = useState<PlexState>({ phase: 'idle' });
  const pollTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const cancelled = useRef(false);
  const signedIn = useRef(onSignedIn);
  signedIn.current = onSignedIn;

  useEffect(() => {
    cancelled.current = false;
    return () => {
      cancelled.current = true;
      clearTimeout(pollTimer.current);
    };
  }, []);

  const poll = (id: number, expiresAt: number | undefined) => {
    pollTimer.current = setTimeout(async () => {
      if (cancelled.current) return;
      try {
        const res = await callRoute('POST', '/api/v1/auth/plex/verify', { id });
        if (cancelled.current) return;
        if (res.status === 202) {
          if (expiresAt !== undefined && Date.now() > expiresAt) return setPlex({ phase: 'failed', message: plexExpiredMessage() });
          return poll(id, expiresAt);
        }
        if (!('user' in res.data)) throw new Error(i18next.t('auth:plex.noUser'));
        signedIn.current(res.data.user);
      } catch (err) {
        if (!cancelled.current) setPlex({ phase: 'failed', message: failureMessage(err) });
      }
    }, PLEX_POLL_INTERVAL_MS);
  };

  const start = async () => {
    setPlex({ phase: 'starting' });
    // Open the window now, inside the click, so popup blockers allow it; point it at Plex once we know where.
    const popup = window.open('about:blank', 'medianest-plex-login', 'popup,width=600,height=720');
    try {
      const { id, authUrl, expiresAt: expiresAtText } = await api.post('/api/v1/auth/plex/pin', undefined);
      if (!/^https?:\/\//.test(authUrl)) throw new Error(i18next.t('auth:plex.noLink'));
      const expiresAt = Date.parse(expiresAtText);
      if (popup && !popup.closed) popup.location.href = authUrl;
      setPlex({ phase: 'waiting', authUrl, popupBlocked: !popup });
      poll(id, Number.isNaN(expiresAt) ? undefined : expiresAt);
    } catch (err) {
      popup?.close();
      setPlex({ phase: 'failed', message: errorMessage(err) });
    }
  };

  const cancel = () => {
    clearTimeout(pollTimer.current);
    setPlex({ phase: 'idle' });
  };

  return { plex, start, cancel };
}
