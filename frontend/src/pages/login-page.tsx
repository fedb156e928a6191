/**
 * /login: the ways in the server offers (GET /api/v1/auth/methods, SignInOptions): single sign-on,
 * Plex, a local account. Back to where the visitor came from once signed in.
 */
import { safeReturnPath } from '@medianest/contracts';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import type { User } from '../api/types';
import { useSession } from '../app/session';
import { Notice } from '../components/feedback';
import { SignInOptions } from '../components/login/sign-in-options';
import { Page, SignedOutCard } from '../components/page';
import { useSignInMethods } from '../hooks/use-sign-in-methods';
import './login-page.css';

interface LoginState {
  from?: string;
  expired?: boolean;
}

export function LoginPage() {
  const { t } = useTranslation('auth');
  const { session, signedIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const methods = useSignInMethods();
  const state = (location.state ?? {}) as LoginState;
  const returnTo = safeReturnPath(state.from);
  const finish = (user: User) => {
    signedIn(user);
    void navigate(returnTo, { replace: true });
  };

  if (session.status === 'signed-in') return <Navigate to={returnTo} replace />;
  return (
    <SignedOutCard>
      <Page title={t('signIn.title')} ready={methods !== undefined}>
        {state.expired && <Notice tone="warning">{t('signIn.expired')}</Notice>}
        {methods && <SignInOptions methods={methods} returnTo={returnTo} onSignedIn={finish} />}
      </Page>
    </SignedOutCard>
  );
}
