/**
 * The OpenID Connect half of the sign-in page: "Sign in with <label>" — a plain link, since the
 * browser itself goes to the provider (GET …/oidc/start, 302) and comes back signed in to `returnTo`.
 */
export function SsoSignIn({ label, startUrl, returnTo }: { label: string; startUrl: string; returnTo: string }) {
  const href = `${startUrl}?${new URLSearchParams({ returnTo }).toString()}`;
  return (
    <section aria-label="Single sign-on" className="login-section">
      <a className="button button-primary button-block" href={href}>
        {label}
      </a>
    </section>
  );
}

const SSO_ERRORS: Record<string, string> = {
  sso_no_account: 'Your sign-in worked, but no MediaNest account belongs to it. Ask the server owner to add you.',
  sso_not_allowed: 'Your sign-in was refused: you are not in a group allowed to use MediaNest. Ask the server owner.',
  disabled: 'Your MediaNest account is disabled. Ask the server owner.',
  state_mismatch: 'That sign-in was started in another browser or tab, or has expired. Please sign in again.',
  state_unknown: 'That sign-in has expired or was already used. Please sign in again.',
};

/** What a member reads when the provider's answer came back refused (`/login?sso_error=<code>`). */
export function ssoErrorMessage(code: string): string {
  return (
    SSO_ERRORS[code] ??
    `Single sign-on did not work (${code.slice(0, 60)}). Please try again, or ask the server owner if it keeps happening.`
  );
}
