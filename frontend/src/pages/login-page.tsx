/**
 * /login: "Sign in with Plex" (the PIN flow, usePlexSignIn) or a local
 * username and password; back to where the visitor came from once signed in.
 */
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import type { User } from '../api/types';
import { useSession } from '../app/session';
import { Notice } from '../components/feedback';
import { LocalSignInForm } from '../components/login/local-sign-in-form';
import { PlexSignIn } from '../components/login/plex-sign-in';
import { Page, SignedOutCard } from '../components/page';
import { usePlexSignIn } from '../hooks/use-plex-sign-in';
import './login-page.css';

interface LoginState {
  from?: string;
  expired?: boolean;
}

function safeReturnPath(from: unknown): string {
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login') ? from : '/';
}

export function LoginPage() {
  const { session, signedIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const state = (location.state ?? {}) as LoginState;
  const returnTo = safeReturnPath(state.from);
  const [error, setError] = useState<string | undefined>(undefined);
  const finish = (user: User) => {
    signedIn(user);
    void navigate(returnTo, { replace: true });
  };
  const plex = usePlexSignIn(finish);

  if (session.status === 'signed-in') return <Navigate to={returnTo} replace />;
  const startPlex = () => {
    setError(undefined);
    void plex.start();
  };

  return (
    <SignedOutCard>
      <Page title="Sign in" ready>
        {state.expired && <Notice tone="warning">Your session has ended. Please sign in again.</Notice>}
        <PlexSignIn plex={plex.plex} onStart={startPlex} onCancel={plex.cancel} />
        <p className="divider">
          <span>or with a MediaNest account</span>
        </p>
        <LocalSignInForm onSignedIn={finish} error={error} onError={setError} />
      </Page>
    </SignedOutCard>
  );
}
