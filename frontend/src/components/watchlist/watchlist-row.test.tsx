/** The watchlist row on Discover: titles with their badges, "Request all" with its result, the opt-in, and no sign-in. */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WatchlistItem, WatchlistRequestAllResult, WatchlistResponse } from '@medianest/contracts';
import { api } from '../../api/client';
import { i18next } from '../../i18n';
import { WatchlistRow } from './watchlist-row';

vi.mock(import('../../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn(), post: vi.fn(), patch: vi.fn() },
}));
const get = vi.mocked(api.get);
const post = vi.mocked(api.post);
const patch = vi.mocked(api.patch);
afterEach(async () => {
  vi.resetAllMocks();
  await i18next.changeLanguage('en');
});

const item = (title: string, tmdbId: number, over: Partial<WatchlistItem> = {}): WatchlistItem => ({
  mediaType: 'movie',
  tmdbId,
  title,
  year: 2010,
  releaseDate: null,
  overview: null,
  posterPath: null,
  backdropPath: null,
  voteAverage: null,
  availability: 'none',
  requestId: null,
  requestStatus: null,
  ...over,
});

const watchlist = (over: Partial<WatchlistResponse> = {}): WatchlistResponse => ({
  unavailable: null,
  items: [item('The Matrix', 603, { availability: 'available', year: 1999 }), item('Inception', 27205), item('Fight Club', 550)],
  unmatched: 1,
  autoRequest: { offered: true, enabled: false },
  ...over,
});

const renderRow = () =>
  render(
    <MemoryRouter>
      <WatchlistRow />
    </MemoryRouter>,
  );

describe('WatchlistRow', () => {
  it('shows each title with its availability, what Request all would ask for, and titles it cannot look up', async () => {
    get.mockResolvedValue(watchlist());
    renderRow();
    const list = await screen.findByRole('list', { name: 'Titles on your Plex watchlist' });
    const cards = within(list).getAllByRole('listitem');
    expect(cards.map((c) => c.textContent)).toEqual([
      expect.stringMatching(/The Matrix1999 · MovieAvailable/),
      expect.stringMatching(/Inception2010 · MovieNot in library/),
      expect.stringMatching(/Fight Club2010 · MovieNot in library/),
    ]);
    expect(screen.getByText('2 titles are not in the library or requested yet.')).toBeInTheDocument();
    expect(screen.getByText('1 title on your watchlist cannot be looked up here.')).toBeInTheDocument();
    expect(get).toHaveBeenCalledWith('/api/v1/watchlist', undefined, expect.any(AbortSignal));
  });

  it('requests all and says what was requested and what was left out, and why', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue(watchlist());
    const result: WatchlistRequestAllResult = {
      ...watchlist({
        items: [
          item('The Matrix', 603, { availability: 'available' }),
          item('Inception', 27205, { availability: 'requested', requestId: 41, requestStatus: 'pending' }),
          item('Fight Club', 550),
        ],
      }),
      requested: [{ mediaType: 'movie', tmdbId: 27205, title: 'Inception', requestId: 41 }],
      skipped: [
        { mediaType: 'movie', tmdbId: 603, title: 'The Matrix', reason: 'available' },
        { mediaType: 'movie', tmdbId: 550, title: 'Fight Club', reason: 'quota' },
      ],
    };
    post.mockResolvedValue(result);
    renderRow();
    await user.click(await screen.findByRole('button', { name: 'Request all' }));
    expect(post).toHaveBeenCalledWith('/api/v1/watchlist/request-all', undefined);
    const summary = await screen.findByText('Requested 1 title.');
    expect(summary.closest('[role="status"]')).toHaveTextContent('The Matrix: already in the library');
    expect(summary.closest('[role="status"]')).toHaveTextContent('Fight Club: your request quota is used up');
    expect(screen.getByRole('link', { name: 'View request: Inception' })).toHaveAttribute('href', '/requests/41');
    expect(screen.getByText('Pending approval')).toBeInTheDocument();
  });

  it('opts in to automatic requests when the owner offers them', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue(watchlist());
    patch.mockResolvedValue({ offered: true, enabled: true });
    renderRow();
    await user.click(await screen.findByRole('checkbox', { name: 'Request new titles on my watchlist automatically' }));
    expect(patch).toHaveBeenCalledWith('/api/v1/watchlist/auto-request', { enabled: true });
    expect(await screen.findByRole('checkbox', { checked: true })).toBeInTheDocument();
  });

  it('tells a member without a Plex sign-in why there is nothing, in their language', async () => {
    await i18next.changeLanguage('de');
    get.mockResolvedValue(
      watchlist({ unavailable: 'no_plex_sign_in', items: [], unmatched: 0, autoRequest: { offered: false, enabled: false } }),
    );
    renderRow();
    expect(await screen.findByText('Melde dich mit Plex an, um deine Plex-Merkliste hier zu sehen.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Deine Plex-Merkliste' })).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });
});
