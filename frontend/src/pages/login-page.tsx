/**
 * /login: "Sign in with <provider>" first when single sign-on is set up, then "Sign in with Plex"
 * (the PIN flow, usePlexSignIn) and a local username and password — each only when the server offers
 * it (GET /api/v1/auth/methods); `?local=1` always shows the password form (the administrator's way
 * in with SSO only and the provider down). `?sso_error=<code>` says why a single sign-on was refused.
 * Back to where the visitor came from once signed in.
 */
import { safeReturnPath } from '@medianest/contracts';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import type { User } from '../api/types';
import { useSession } from '../app/session';
import { ErrorMessage, Notice } from '../components/feedback';
import { LocalSignInForm } from '../components/login/local-sign-in-form';
import { PlexSignIn } from '../components/login/plex-sign-in';
import { SsoSignIn, ssoErrorMessage } from '../components/login/sso-sign-in';
import { Page, SignedOutCard } from '../components/page';
import { usePlexSignIn } from '../hooks/use-plex-sign-in';
import { useSignInMethods } from '../hooks/use-sign-in-methods';
import './login-page.css';

interface LoginState {
  from?: string;
  expired?: boolean;
}

export function LoginPage() {
  const { session, signedIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [query] = useSearchParams();
  const methods = useSignInMethods();
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
  const ssoError = query.get('sso_error');
  const oidc = methods?.oidc;
  const showPlex = methods?.plex === true;
  const password = methods?.password === true || (methods !== undefined && query.get('local') === '1');

  return (
    <SignedOutCard>
      <Page title="Sign in" ready={methods !== undefined}>
        {state.expired && <Notice tone="warning">Your session has ended. Please sign in again.</Notice>}
        {ssoError && <ErrorMessage message={ssoErrorMessage(ssoError)} />}
        {oidc && <SsoSignIn label={oidc.label} startUrl={oidc.startUrl} returnTo={returnTo} />}
        {oidc && (showPlex || password) && <Divider text="or" />}
        {showPlex && <PlexSignIn plex={plex.plex} onStart={startPlex} onCancel={plex.cancel} />}
        {showPlex && password && <Divider text="or with a MediaNest account" />}
        {password && <LocalSignInForm onSignedIn={finish} error={error} onError={setError} />}
      </Page>
    </SignedOutCard>
  );
}

function Divider({ text }: { text: string }) {
  return (
    <p className="divider">
      <span>{text}</span>
    </p>
  );
}
