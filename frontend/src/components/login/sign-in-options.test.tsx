/** The sign-in page offers what the server offers (GET /api/v1/auth/methods) and explains a refused single sign-on. */
import type { SignInMethods } from '@medianest/contracts';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { SignInOptions } from './sign-in-options';

const SSO = { label: 'Sign in with Authentik', startUrl: '/api/v1/auth/oidc/start' };

function show(methods: SignInMethods, url = '/login', returnTo = '/') {
  render(
    <MemoryRouter initialEntries={[url]}>
      <SignInOptions methods={methods} returnTo={returnTo} onSignedIn={() => undefined} />
    </MemoryRouter>,
  );
}

describe('SignInOptions', () => {
  it('puts the SSO button first, pointing at the provider with the page the visitor came from', () => {
    show({ password: true, plex: true, oidc: SSO }, '/login', '/requests?page=2');
    const sso = screen.getByRole('link', { name: 'Sign in with Authentik' });
    expect(sso).toHaveAttribute('href', '/api/v1/auth/oidc/start?returnTo=%2Frequests%3Fpage%3D2');
    const plex = screen.getByRole('button', { name: 'Sign in with Plex' });
    expect(sso.compareDocumentPosition(plex) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
  });

  it('with SSO only, shows just the SSO button: no Plex, no password form', () => {
    show({ password: false, plex: false, oidc: SSO });
    expect(screen.getByRole('link', { name: 'Sign in with Authentik' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in with Plex' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Username')).not.toBeInTheDocument();
  });

  it('?local=1 brings the password form back for the administrator', () => {
    show({ password: false, plex: false, oidc: SSO }, '/login?local=1');
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in with Plex' })).not.toBeInTheDocument();
  });

  it('without SSO offers Plex and a password, and no SSO button', () => {
    show({ password: true, plex: true, oidc: null });
    expect(screen.getByRole('button', { name: 'Sign in with Plex' })).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Sign in with/ })).not.toBeInTheDocument();
  });

  it.each([
    ['sso_no_account', 'no MediaNest account belongs to it'],
    ['sso_not_allowed', 'not in a group allowed'],
    ['disabled', 'account is disabled'],
    ['state_mismatch', 'started in another browser'],
    ['state_unknown', 'expired or was already used'],
    ['id_token_expired', 'Single sign-on did not work (id_token_expired)'],
  ])('explains ?sso_error=%s', (code, words) => {
    show({ password: true, plex: false, oidc: SSO }, `/login?sso_error=${code}`);
    expect(screen.getByRole('alert')).toHaveTextContent(words);
  });

  it('shows no SSO error without one', () => {
    show({ password: true, plex: true, oidc: SSO });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
