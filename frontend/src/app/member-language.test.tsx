/**
 * The member's language: stored with the account, applied as the session arrives (the page speaks
 * German for a member who chose German), changed on the Account page (PATCH /api/v1/auth/account),
 * and "Browser default" hands the choice back to the browser. <html lang> follows.
 */
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import type { User } from '../api/types';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { SessionProvider, useSession } from './session';
import { i18next } from '../i18n';
import { AccountPage } from '../pages/account-page';

vi.mock(import('../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn(), patch: vi.fn() },
}));
vi.mock(import('../realtime/socket'), async (original) => ({
  ...(await original()),
  connectRealtime: vi.fn(),
  disconnectRealtime: vi.fn(),
  reconnectRealtime: vi.fn(),
}));

const get = vi.mocked(api.get);
const patch = vi.mocked(api.patch);
const ALICE: User = {
  id: 'u1',
  username: 'alice',
  email: null,
  role: 'user',
  enabled: true,
  plexUsername: 'alice',
  thumb: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastLoginAt: null,
  language: null,
};

afterEach(async () => {
  get.mockReset();
  patch.mockReset();
  await i18next.changeLanguage('en');
});

/** What RequireUser does in the app: the page once the session is there. */
function SignedIn({ children }: { children: ReactNode }) {
  return useSession().session.status === 'signed-in' ? children : null;
}

function showAccount(user: User) {
  get.mockResolvedValue({ user, method: 'plex' });
  const element = (
    <SessionProvider>
      <SignedIn>
        <AccountPage />
      </SignedIn>
    </SessionProvider>
  );
  render(<RouterProvider router={createMemoryRouter([{ path: '/account', element }], { initialEntries: ['/account'] })} />);
}

describe('AccountPage language', () => {
  it('speaks the language the member stored, from the first render of the session', async () => {
    showAccount({ ...ALICE, language: 'de' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Dein Konto' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Sprache' })).toBeInTheDocument();
    expect(screen.getByText('Du meldest dich mit Plex an, dein Passwort verwaltest du daher auf plex.tv.')).toBeInTheDocument();
    expect(screen.getByLabelText('Sprache von MediaNest')).toHaveValue('de');
    expect(document.documentElement.lang).toBe('de');
    // The tab's title is set by an effect after the page renders: on a busy machine it comes a moment later.
    await waitFor(() => expect(document.title).toBe('Dein Konto · MediaNest'));
  });

  it('stores a choice, switches the page at once, and offers each language in its own name', async () => {
    const user = userEvent.setup();
    showAccount(ALICE);
    const picker = await screen.findByLabelText('Language of MediaNest');
    expect(picker).toHaveValue('');
    expect(screen.getByRole('option', { name: 'Français' })).toHaveAttribute('lang', 'fr');
    patch.mockResolvedValue({ user: { ...ALICE, language: 'fr' } } as Awaited<ReturnType<typeof api.patch>>);
    await user.selectOptions(picker, 'fr');
    expect(patch).toHaveBeenCalledWith('/api/v1/auth/account', { language: 'fr' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Votre compte' })).toBeInTheDocument();
    expect(screen.getByText('Langue enregistrée.')).toHaveAttribute('role', 'status');
    expect(document.documentElement.lang).toBe('fr');
  });

  it('"Browser default" clears the stored language and follows the browser again', async () => {
    const user = userEvent.setup();
    showAccount({ ...ALICE, language: 'es' });
    const picker = await screen.findByLabelText('Idioma de MediaNest');
    patch.mockResolvedValue({ user: { ...ALICE, language: null } } as Awaited<ReturnType<typeof api.patch>>);
    await user.selectOptions(picker, '');
    expect(patch).toHaveBeenCalledWith('/api/v1/auth/account', { language: null });
    // jsdom's browser language is English.
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Your account'));
    expect(document.documentElement.lang).toBe('en');
  });

  it('shows a refused change in the page language, not the server’s English', async () => {
    const user = userEvent.setup();
    showAccount({ ...ALICE, language: 'de' });
    const picker = await screen.findByLabelText('Sprache von MediaNest');
    const { ApiError } = await import('../api/client');
    patch.mockRejectedValue(new ApiError(400, 'VALIDATION_FAILED', 'Invalid request body'));
    await user.selectOptions(picker, 'fr');
    expect(await screen.findByRole('alert')).toHaveTextContent('Einige Angaben sind ungültig.');
  });
});
