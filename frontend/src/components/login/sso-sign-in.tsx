/**
 * The OpenID Connect half of the sign-in page: "Sign in with <label>" — a plain link, since the
 * browser itself goes to the provider (GET …/oidc/start, 302) and comes back signed in to `returnTo`.
 */
import { useTranslation } from 'react-i18next';
import { i18next } from '../../i18n';

export function SsoSignIn({ label, startUrl, returnTo }: { label: string; startUrl: string; returnTo: string }) {
  const { t } = useTranslation('auth');
  const href = `${startUrl}?${new URLSearchParams({ returnTo }).toString()}`;
  return (
    <section aria-label={t('sso.label')} className="login-section">
      <a className="button button-primary button-block" href={href}>
        {label}
      </a>
    </section>
  );
}

/** The refusals a member can do something about, worded; any other code gets the general sentence with the code. */
const SSO_ERRORS = ['sso_no_account', 'sso_not_allowed', 'disabled', 'state_mismatch', 'state_unknown'];

/** What a member reads when the provider's answer came back refused (`/login?sso_error=<code>`). */
export function ssoErrorMessage(code: string): string {
  return SSO_ERRORS.includes(code) ? i18next.t(`auth:sso.error.${code}`) : i18next.t('auth:sso.otherError', { code: code.slice(0, 60) });
}
