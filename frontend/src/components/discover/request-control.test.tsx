/** A Discover card's request control (against a mocked API client): blocklisted titles, someone else's request, a refused request. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api/client';
import type { FollowState, SearchResult } from '../../api/types';
import { initialRequestState, RequestControl } from './request-control';

vi.mock(import('../../api/client'), async (original) => {
  const real = await original();
  return { ...real, api: { ...real.api, get: vi.fn(), post: vi.fn() } };
});
const get = vi.mocked(api.get);
const post = vi.mocked(api.post);
afterEach(() => {
  get.mockReset();
  post.mockReset();
});

const MOVIE: SearchResult = {
  mediaType: 'movie',
  tmdbId: 603,
  title: 'The Matrix',
  year: 1999,
  releaseDate: '1999-03-31',
  overview: null,
  posterPath: null,
  backdropPath: null,
  voteAverage: null,
  availability: 'none',
  requestId: null,
  requestStatus: null,
};

function following(following: boolean): FollowState {
  return {
    request: {
      id: 7,
      title: 'The Matrix',
      mediaType: 'movie',
      tmdbId: 603,
      posterPath: null,
      status: 'approved',
      requestedBy: null,
      mine: false,
    },
    following,
    followers: following ? 2 : 1,
  };
}

function Control({ result }: { result: SearchResult }) {
  const [state, setState] = useState(() => initialRequestState(result));
  return (
    <MemoryRouter>
      <RequestControl result={result} state={state} setState={setState} quota={{ quota: undefined, onChange: () => undefined }} />
    </MemoryRouter>
  );
}

describe('RequestControl', () => {
  it('says a blocklisted title cannot be requested, and offers no Request button', () => {
    render(<Control result={{ ...MOVIE, availability: 'blocklisted' }} />);
    expect(screen.getByText('Blocked in Overseerr: it cannot be requested')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('offers "Notify me too" on a movie someone else requested, following it by title', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue(following(false));
    post.mockResolvedValue(following(true));
    render(<Control result={{ ...MOVIE, availability: 'requested' }} />);
    expect(screen.getByText(/Already requested/)).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Notify me when ready: The Matrix' }));
    expect(get).toHaveBeenCalledWith(
      '/api/v1/notifications/follows/title/:type/:tmdbId',
      { type: 'movie', tmdbId: 603 },
      expect.anything(),
    );
    expect(post).toHaveBeenCalledWith('/api/v1/notifications/follows/title/:type/:tmdbId', undefined, { type: 'movie', tmdbId: 603 });
    expect(await screen.findByRole('button', { name: 'Stop notifying me about The Matrix' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows that Overseerr refused a blocklisted title when the request comes back 409 BLOCKLISTED', async () => {
    const user = userEvent.setup();
    post.mockRejectedValue(new ApiError(409, 'CONFLICT', 'Blocklisted', { reason: 'BLOCKLISTED' }));
    render(<Control result={MOVIE} />);
    await user.click(screen.getByRole('button', { name: 'Request The Matrix' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Blocked in Overseerr: it cannot be requested');
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('moves the keyboard focus from the Request button to the request it made', async () => {
    const user = userEvent.setup();
    post.mockResolvedValue({ request: { id: 42, status: 'pending' } });
    render(<Control result={MOVIE} />);
    await user.tab();
    expect(screen.getByRole('button', { name: 'Request The Matrix' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('link', { name: 'View request' })).toHaveFocus();
  });

  it('keeps the focus on the card when Overseerr says the title is already there', async () => {
    const user = userEvent.setup();
    post.mockRejectedValue(new ApiError(409, 'CONFLICT', 'Available', { reason: 'ALREADY_AVAILABLE' }));
    render(<Control result={MOVIE} />);
    await user.tab();
    await user.keyboard(' ');
    expect(await screen.findByRole('status')).toHaveFocus();
  });
});
