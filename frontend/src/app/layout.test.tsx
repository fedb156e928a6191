/**
 * The header folds its navigation into a Menu button exactly when the links, the member's name and
 * Sign out do not fit in one row — measured in the page's language, again when the window is resized —
 * and offers them all in one row when they do. jsdom lays nothing out, so the header's width in one
 * row is given here as 8 px a character of its text, and the room as the window's width.
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { api } from '../api/client';
import { i18next } from '../i18n';
import { testUser } from '../test/users';
import { AppLayout } from './layout';
import { SessionProvider, useSession } from './session';
import type { ReactNode } from 'react';

vi.mock(import('../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn() },
}));
vi.mock(import('../realtime/socket'), async (original) => ({
  ...(await original()),
  connectRealtime: vi.fn(),
  disconnectRealtime: vi.fn(),
  reconnectRealtime: vi.fn(),
}));

const ADMIN = testUser({ id: 'u1', username: 'admin', email: null, role: 'admin' });
const PX_PER_CHAR = 8;
let windowWidth = 0;
let resized: () => void = () => {};

/** The header bar's width in one row: its text but the Menu button's (hidden in one row), 8 px a character. */
function oneRowWidth(bar = document.querySelector<HTMLElement>('.header-bar')!): number {
  const shown = [...bar.children].filter((child) => !child.matches('.menu-button'));
  return shown.map((child) => child.textContent ?? '').join('').length * PX_PER_CHAR;
}

/** The header bar's width in one row (without .folded) and the room the header gives it. */
function stubLayout() {
  vi.spyOn(HTMLElement.prototype, 'scrollWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return this.matches('.header-bar:not(.folded)') ? oneRowWidth(this) : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return this.matches('.site-header, .header-bar') ? windowWidth : 0;
  });
  vi.stubGlobal(
    'ResizeObserver',
    class {
      constructor(callback: () => void) {
        resized = callback;
      }
      observe() {}
      disconnect() {}
    },
  );
}

function SignedIn({ children }: { children: ReactNode }) {
  return useSession().session.status === 'signed-in' ? children : null;
}

async function showHeader(width: number) {
  windowWidth = width;
  vi.mocked(api.get).mockImplementation(async (path: string) =>
    path === '/api/v1/status/notices' ? { announcements: [], maintenance: [] } : { user: ADMIN, method: 'local' },
  );
  const element = (
    <SessionProvider>
      <SignedIn>
        <AppLayout />
      </SignedIn>
    </SessionProvider>
  );
  render(<RouterProvider router={createMemoryRouter([{ path: '/', element }])} />);
  await screen.findByRole('navigation');
}

beforeEach(stubLayout);
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  await i18next.changeLanguage('en');
});

describe('AppLayout header', () => {
  it('shows every link, the name and Sign out in one row when they fit, with no Menu button', async () => {
    await showHeader(2000);
    expect(screen.queryByRole('button', { name: 'Menu' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Admin' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('folds into a Menu button when they do not fit; Enter opens it, Escape closes it with focus back on Menu', async () => {
    const user = userEvent.setup();
    await showHeader(300);
    const menu = screen.getByRole('button', { name: 'Menu' });
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    menu.focus();
    await user.keyboard('{Enter}');
    expect(menu).toHaveAttribute('aria-expanded', 'true');
    await user.keyboard('{Escape}');
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(menu).toHaveFocus();
  });

  it('folds and unfolds as the window is resized', async () => {
    await showHeader(2000);
    // Read the width when the header has rendered all it shows (on a busy machine its last parts come later).
    const needed = await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
      return oneRowWidth();
    });
    windowWidth = needed - 1;
    act(() => resized());
    expect(await screen.findByRole('button', { name: 'Menu' })).toBeInTheDocument();
    windowWidth = needed;
    act(() => resized());
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Menu' })).not.toBeInTheDocument());
  });

  it('measures again in another language: what fits in English may not in German', async () => {
    await showHeader(0);
    windowWidth = oneRowWidth();
    act(() => resized());
    expect(screen.queryByRole('button', { name: 'Menu' })).not.toBeInTheDocument();
    await act(() => i18next.changeLanguage('de'));
    expect(oneRowWidth()).toBeGreaterThan(windowWidth);
    expect(screen.getByRole('button', { name: 'Menü' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Abmelden' })).toBeInTheDocument();
  });
});
