/**
 * The ways in on /login, in order: "Sign in with <provider>" (single sign-on), Plex, then a local
 * username and password — each only when the server offers it; `?local=1` always shows the password
 * form (the administrator's way in with SSO only and the provider down). `?sso_error=<code>` says why
 * a single sign-on was refused.
 */
import type { SignInMethods } from '@medianest/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { User } from '../../api/types';
import { usePlexSignIn } from '../../hooks/use-plex-sign-in';
import { ErrorMessage } from '../feedback';
import { LocalSignInForm } from './local-sign-in-form';
import { PlexSignIn } from './plex-sign-in';
import { SsoSignIn, ssoErrorMessage } from './sso-sign-in';

interface Props {
  methods: SignInMethods;
  /** A safe local path: where the visitor goes once signed in. */
  returnTo: string;
  onSignedIn: (user: User) => void;
}

export function SignInOptions({ methods, returnTo, onSignedIn }: Props) {
  const { t } = useTranslation('auth');
  const [query] = useSearchParams();
  const [error, setError] = useState<string | undefined>(undefined);
  const plex = usePlexSignIn(onSignedIn);
  const startPlex = () => {
    setError(undefined);
    void plex.start();
  };
  const ssoError = query.get('sso_error');
  const { oidc, plex: showPlex } = methods;
  const password = methods.password || query.get('local') === '1';

  return (
    <>
      {ssoError && <ErrorMessage message={ssoErrorMessage(ssoError)} />}
      {oidc && <SsoSignIn label={oidc.label} startUrl={oidc.startUrl} returnTo={returnTo} />}
      {oidc && (showPlex || password) && <Divider text={t('signIn.or')} />}
      {showPlex && <PlexSignIn plex={plex.plex} onStart={startPlex} onCancel={plex.cancel} />}
      {showPlex && password && <Divider text={t('signIn.orLocal')} />}
      {password && <LocalSignInForm onSignedIn={onSignedIn} error={error} onError={setError} />}
    </>
  );
}

function Divider({ text }: { text: string }) {
  return (
    <p className="divider">
      <span>{text}</span>
    </p>
  );
}
