/** The sign-in page offers what the server offers (GET /api/v1/auth/methods) and explains a refused single sign-on. */
import type { SignInMethods } from '@medianest/contracts';
import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../api/client';
import { LoginPage } from './login-page';

vi.mock(import('../api/client'), async (original) => ({ ...(await original()), api: { ...(await original()).api, get: vi.fn() } }));
vi.mock(import('../app/session'), () => ({
  useSession: () => ({ session: { status: 'anonymous', expired: false }, signedIn: vi.fn(), signOut: vi.fn(), retry: vi.fn() }),
}));
const get = vi.mocked(api.get);
afterEach(() => get.mockReset());

const SSO = { label: 'Sign in with Authentik', startUrl: '/api/v1/auth/oidc/start' };

function show(methods: SignInMethods | Error, entry: string | { pathname: string; state: unknown } = '/login') {
  if (methods instanceof Error) get.mockRejectedValue(methods);
  else get.mockResolvedValue(methods as Awaited<ReturnType<typeof api.get>>);
  render(<RouterProvider router={createMemoryRouter([{ path: '/login', element: <LoginPage /> }], { initialEntries: [entry] })} />);
}

describe('LoginPage', () => {
  it('puts the SSO button first, pointing at the provider with the page the visitor came from', async () => {
    show({ password: true, plex: true, oidc: SSO }, { pathname: '/login', state: { from: '/requests?page=2' } });
    const sso = await screen.findByRole('link', { name: 'Sign in with Authentik' });
    expect(sso).toHaveAttribute('href', '/api/v1/auth/oidc/start?returnTo=%2Frequests%3Fpage%3D2');
    const plex = screen.getByRole('button', { name: 'Sign in with Plex' });
    expect(sso.compareDocumentPosition(plex) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
    expect(get).toHaveBeenCalledWith('/api/v1/auth/methods', undefined, expect.any(AbortSignal));
  });

  it('never sends the provider back to another site', async () => {
    show({ password: true, plex: true, oidc: SSO }, { pathname: '/login', state: { from: '//evil.example/x' } });
    expect(await screen.findByRole('link', { name: 'Sign in with Authentik' })).toHaveAttribute(
      'href',
      '/api/v1/auth/oidc/start?returnTo=%2F',
    );
  });

  it('with SSO only, shows just the SSO button: no Plex, no password form', async () => {
    show({ password: false, plex: false, oidc: SSO });
    await screen.findByRole('link', { name: 'Sign in with Authentik' });
    expect(screen.queryByRole('button', { name: 'Sign in with Plex' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Username')).not.toBeInTheDocument();
  });

  it('?local=1 brings the password form back for the administrator', async () => {
    show({ password: false, plex: false, oidc: SSO }, '/login?local=1');
    await screen.findByRole('link', { name: 'Sign in with Authentik' });
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in with Plex' })).not.toBeInTheDocument();
  });

  it('without SSO offers Plex and a password, and no SSO button', async () => {
    show({ password: true, plex: true, oidc: null });
    await screen.findByRole('button', { name: 'Sign in with Plex' });
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Sign in with/ })).not.toBeInTheDocument();
  });

  it('falls back to Plex and a password when the server cannot say', async () => {
    show(new ApiError(0, 'NETWORK', 'offline'));
    await screen.findByRole('button', { name: 'Sign in with Plex' });
    expect(screen.getByLabelText('Username')).toBeInTheDocument();
  });

  it.each([
    ['sso_no_account', 'no MediaNest account belongs to it'],
    ['sso_not_allowed', 'not in a group allowed'],
    ['disabled', 'account is disabled'],
    ['state_mismatch', 'started in another browser'],
    ['state_unknown', 'expired or was already used'],
    ['id_token_expired', 'Single sign-on did not work (id_token_expired)'],
  ])('explains ?sso_error=%s', async (code, words) => {
    show({ password: true, plex: false, oidc: SSO }, `/login?sso_error=${code}`);
    expect(await screen.findByRole('alert')).toHaveTextContent(words);
  });
});
