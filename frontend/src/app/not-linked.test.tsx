/**
 * An account no Overseerr user matches (the API's 409 OVERSEERR_USER_NOT_LINKED): a title page and Discover
 * say why there is nothing and who can change it, in the member's language, instead of an error whose
 * "Try again" cannot help; the owner is told what to do themselves.
 */
import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReactElement } from 'react';
import { api, ApiError } from '../api/client';
import type { User } from '../api/types';
import { i18next } from '../i18n';
import { testUser } from '../test/users';
import { DiscoverPage } from '../pages/discover-page';
import { MovieTitlePage } from '../pages/title-page';

const me = { user: testUser({ id: 'u4', username: 'dave', email: 'dave@example.com' }) };
vi.mock(import('./session'), async (original) => ({ ...(await original()), useUser: () => me.user }));
vi.mock(import('../api/client'), async (original) => ({ ...(await original()), api: { ...(await original()).api, get: vi.fn() } }));
const get = vi.mocked(api.get);
afterEach(async () => {
  get.mockReset();
  await i18next.changeLanguage('en');
});

const NOT_LINKED = new ApiError(409, 'CONFLICT', 'Your account is not linked to an Overseerr user', {
  reason: 'OVERSEERR_USER_NOT_LINKED',
});

/** Overseerr refuses every read as this account; the rest answers as for anyone without a quota or Plex sign-in. */
function answerAsUnlinked() {
  const answer = async (template: string): Promise<unknown> => {
    if (template.startsWith('/api/v1/discover/')) throw NOT_LINKED;
    if (template === '/api/v1/media/quota') return { movie: null, tv: null };
    if (template === '/api/v1/watchlist')
      return { unavailable: 'no_plex_sign_in', items: [], unmatched: 0, autoRequest: { offered: false, enabled: false } };
    throw new Error(`unexpected GET ${template}`);
  };
  get.mockImplementation(answer as typeof api.get);
}

/** Opens the page and waits for the notice, by its first line; answers the whole notice. */
async function open(path: string, route: string, page: ReactElement, title: string): Promise<HTMLElement> {
  answerAsUnlinked();
  render(<RouterProvider router={createMemoryRouter([{ path: route, element: page }], { initialEntries: [path] })} />);
  const notice = (await screen.findByText(title)).closest<HTMLElement>('[role="status"]');
  expect(notice).not.toBeNull();
  return notice!;
}

describe('an account without an Overseerr user', () => {
  it("sees on a title page why it shows nothing, and what to ask the owner, with no 'Try again'", async () => {
    me.user = { ...me.user, role: 'user' };
    const notice = await open('/movie/558449', '/movie/:tmdbId', <MovieTitlePage />, 'Your account is not linked to an Overseerr user yet');
    expect(notice).toHaveTextContent('Ask the server owner to import you into Overseerr');
    expect(screen.getByRole('heading', { level: 1, name: 'Movie' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
  });

  it('reads it in German in a German browser', async () => {
    me.user = { ...me.user, role: 'user' };
    await i18next.changeLanguage('de');
    const notice = await open(
      '/movie/558449',
      '/movie/:tmdbId',
      <MovieTitlePage />,
      'Dein Konto ist noch mit keinem Overseerr-Benutzer verknüpft',
    );
    expect(notice).toHaveTextContent('Bitte den Serverbetreiber, dich in Overseerr zu importieren');
    expect(screen.getByRole('heading', { level: 1, name: 'Film' })).toBeInTheDocument();
  });

  it.each([
    ['fr', 'Votre compte n’est encore lié à aucun utilisateur Overseerr'],
    ['es', 'Tu cuenta aún no está vinculada a ningún usuario de Overseerr'],
  ])('reads it in the member’s language (%s)', async (language, title) => {
    me.user = { ...me.user, role: 'user', language: language as User['language'] };
    await i18next.changeLanguage(language);
    await open('/movie/558449', '/movie/:tmdbId', <MovieTitlePage />, title);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('tells the owner on Discover to sign in with Plex, rather than asking themselves', async () => {
    me.user = { ...me.user, role: 'admin' };
    const notice = await open('/discover', '/discover', <DiscoverPage />, 'Your account is not linked to an Overseerr user yet');
    expect(notice).toHaveTextContent('sign in with your Plex account');
    expect(notice).not.toHaveTextContent('Ask the server owner');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Search movies and shows')).toBeInTheDocument();
  });
});
