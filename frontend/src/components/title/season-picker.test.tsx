/** The season picker of a show: where each season stands, ticking the missing ones and requesting them together. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api/client';
import type { MediaRequest, TitleDetails, TitleSeason } from '../../api/types';
import { SeasonPicker } from './season-picker';

vi.mock(import('../../api/client'), async (original) => {
  const real = await original();
  return { ...real, api: { ...real.api, post: vi.fn() } };
});
const post = vi.mocked(api.post);
afterEach(() => post.mockReset());

const season = (seasonNumber: number, over: Partial<TitleSeason> = {}): TitleSeason => ({
  seasonNumber,
  name: `Season ${seasonNumber}`,
  episodeCount: 10,
  airDate: null,
  availability: 'none',
  requestable: true,
  requestId: null,
  requestStatus: null,
  ...over,
});

const SHOW: TitleDetails = {
  mediaType: 'tv',
  tmdbId: 1399,
  title: 'Game of Thrones',
  year: 2011,
  releaseDate: '2011-04-17',
  overview: null,
  posterPath: null,
  backdropPath: null,
  voteAverage: 8.4,
  availability: 'partially_available',
  requestId: null,
  requestStatus: null,
  tagline: null,
  runtime: 60,
  genres: [],
  status: null,
  numberOfSeasons: 4,
  seasons: [
    season(1, { availability: 'available', requestable: false }),
    season(2, { availability: 'requested', requestable: false, requestId: 7, requestStatus: 'approved' }),
    season(3),
    season(4, { episodeCount: 1 }),
  ],
  cast: [],
  trailerUrl: null,
  playUrl: null,
};

function picker(onChange = vi.fn(), onRequested = vi.fn()) {
  render(
    <MemoryRouter>
      <SeasonPicker
        title={SHOW}
        quota={{ quota: { movie: null, tv: { limit: 10, days: 7, used: 2, remaining: 8, nextFreeAt: null } }, onChange }}
        onRequested={onRequested}
      />
    </MemoryRouter>,
  );
  return { onChange, onRequested };
}

describe('SeasonPicker', () => {
  it('shows every season with where it stands, and offers a checkbox only for those nobody has', () => {
    picker();
    expect(screen.getAllByRole('checkbox')).toHaveLength(2);
    expect(screen.getByRole('checkbox', { name: 'Season 3 · 10 episodes' })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Season 4 · 1 episode' })).toBeInTheDocument();
    expect(screen.getByText('Available')).toBeInTheDocument();
    expect(screen.getByText('Approved')).toBeInTheDocument(); // the member's own request for season 2
    expect(screen.getByRole('button', { name: 'Tick the seasons you want' })).toBeDisabled();
    expect(screen.getByText('8 of 10 left')).toBeInTheDocument();
  });

  it('requests the ticked seasons together, then reads the quota and the title again', async () => {
    const user = userEvent.setup();
    post.mockResolvedValue({ request: { id: 42, status: 'pending' } as MediaRequest });
    const { onChange, onRequested } = picker();
    await user.click(screen.getByRole('checkbox', { name: /Season 4/ }));
    await user.click(screen.getByRole('checkbox', { name: /Season 3/ }));
    await user.click(screen.getByRole('button', { name: 'Request 2 seasons' }));
    expect(post).toHaveBeenCalledWith('/api/v1/media/requests', { mediaType: 'tv', tmdbId: 1399, seasons: [3, 4] });
    expect(await screen.findByRole('status')).toHaveTextContent('Requested seasons 3, 4.');
    expect(screen.getByRole('link', { name: 'Follow your request' })).toHaveAttribute('href', '/requests/42');
    expect(onChange).toHaveBeenCalledOnce();
    expect(onRequested).toHaveBeenCalledOnce();
  });

  it('says why Overseerr refused, and keeps the ticks', async () => {
    const user = userEvent.setup();
    post.mockRejectedValue(new ApiError(403, 'QUOTA_EXCEEDED', 'You have used your 10 TV season requests for the last 7 days.'));
    picker();
    await user.click(screen.getByRole('checkbox', { name: /Season 3/ }));
    await user.click(screen.getByRole('button', { name: 'Request 1 season' }));
    // Worded by the web app from the stable code, in the member's language — never the server's English sentence.
    expect(await screen.findByRole('alert')).toHaveTextContent('You have used up your request quota for now.');
    expect(screen.getByRole('checkbox', { name: /Season 3/ })).toBeChecked();
  });
});
