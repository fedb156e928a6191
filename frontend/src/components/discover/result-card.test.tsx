/** A title card: its page link, where it stands at a glance, and a poster that fails to load becoming a lettered tile. */
import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../api/types';
import { ResultCard } from './result-card';

const SHOW: SearchResult = {
  mediaType: 'tv',
  tmdbId: 100088,
  title: 'The Last of Us',
  year: 2023,
  releaseDate: '2023-01-15',
  overview: null,
  posterPath: '/poster.jpg',
  backdropPath: null,
  voteAverage: 8.6,
  availability: 'partially_available',
  requestId: null,
  requestStatus: null,
};

function card(result: SearchResult) {
  return render(
    <MemoryRouter>
      <ul>
        <ResultCard result={result} quota={{ quota: undefined, onChange: () => undefined }} />
      </ul>
    </MemoryRouter>,
  );
}

describe('ResultCard', () => {
  it("links to the title's page and shows that it is partly in Plex", () => {
    card(SHOW);
    expect(screen.getByRole('link', { name: 'The Last of Us' })).toHaveAttribute('href', '/tv/100088');
    expect(screen.getByText('Partly available')).toBeInTheDocument();
  });

  it("shows the member's own request instead of the title's availability", () => {
    card({
      ...SHOW,
      mediaType: 'movie',
      tmdbId: 533535,
      title: 'Deadpool & Wolverine',
      availability: 'requested',
      requestId: 41,
      requestStatus: 'pending',
    });
    expect(screen.getByText('Pending approval')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View request' })).toHaveAttribute('href', '/requests/41');
  });

  it('replaces a poster that fails to load with a lettered tile, never a broken image', () => {
    const { container } = card(SHOW);
    const img = container.querySelector('img');
    expect(img).toHaveAttribute('src', 'https://image.tmdb.org/t/p/w342/poster.jpg');
    fireEvent.error(img!);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.poster-placeholder')).toHaveTextContent('T');
  });

  it('shows a lettered tile when there is no poster, and what a blocklisted title is', () => {
    const { container } = card({ ...SHOW, posterPath: null, availability: 'blocklisted' });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.poster-placeholder')).toHaveTextContent('T');
    expect(screen.getByText('Blocked')).toBeInTheDocument();
  });
});
