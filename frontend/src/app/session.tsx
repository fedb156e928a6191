/**
 * Who is signed in: loads GET /api/v1/auth/session once, keeps the user in
 * context, opens the live-update connection while signed in, and drops the
 * session (→ /login) when any API call answers 401 UNAUTHENTICATED.
 * Signing out of a single sign-on session (method `oidc`) ends it at the provider too: the server
 * answers the provider's end-session page, and the browser goes there (RP-initiated logout).
 * The member's stored language is applied whenever the user arrives (page load, sign-in, an Account
 * change); without one the browser's languages decide.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, errorMessage, setUnauthenticatedListener } from '../api/client';
import type { SignInMethod } from '@medianest/contracts';
import type { User } from '../api/types';
import { setLanguage } from '../i18n';
import { connectRealtime, disconnectRealtime, reconnectRealtime } from '../realtime/socket';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'signed-in'; user: User; method: SignInMethod | null }
  | { status: 'error'; message: string };

interface SessionContextValue {
  session: SessionState;
  /** Call after a successful login with the user the server returned. */
  signedIn: (user: User, method?: SignInMethod) => void;
  /** The signed-in member changed their own account (the Account page): keep the session's copy current. */
  updateUser: (user: User) => void;
  signOut: () => Promise<void>;
  retry: () => void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api.get('/api/v1/auth/session', undefined, controller.signal).then(
      (body) => {
        if (controller.signal.aborted) return;
        connectRealtime();
        void setLanguage(body.user.language);
        setSession({ status: 'signed-in', user: body.user, method: body.method });
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401) setSession({ status: 'anonymous', expired: false });
        else setSession({ status: 'error', message: errorMessage(err) });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => {
    setUnauthenticatedListener((endpoint) => {
      if (endpoint === '/api/v1/auth/session') return;
      disconnectRealtime();
      setSession((s) => (s.status === 'signed-in' ? { status: 'anonymous', expired: true } : s));
    });
    return () => setUnauthenticatedListener(undefined);
  }, []);

  const signedIn = useCallback((user: User, method?: SignInMethod) => {
    reconnectRealtime();
    void setLanguage(user.language);
    setSession({ status: 'signed-in', user, method: method ?? null });
  }, []);

  const updateUser = useCallback((user: User) => {
    void setLanguage(user.language);
    setSession((s) => (s.status === 'signed-in' ? { ...s, user } : s));
  }, []);

  const method = session.status === 'signed-in' ? session.method : null;
  const signOut = useCallback(async () => {
    let endSessionUrl: string | null = null;
    try {
      if (method === 'oidc') ({ endSessionUrl } = await api.post('/api/v1/auth/oidc/logout', undefined));
      else await api.post('/api/v1/auth/logout', undefined);
    } finally {
      disconnectRealtime();
      setSession({ status: 'anonymous', expired: false });
    }
    if (endSessionUrl) window.location.assign(endSessionUrl);
  }, [method]);

  const retry = useCallback(() => {
    setSession({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ session, signedIn, updateUser, signOut, retry }), [session, signedIn, updateUser, signOut, retry]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user (only inside routes guarded by RequireUser). */
export function useUser(): User {
  const { session } = useSession();
  if (session.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return session.user;
}
