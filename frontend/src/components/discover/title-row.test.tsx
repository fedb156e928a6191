/** A row of titles: its first page, more pages in from the keyboard, and what it shows when Overseerr does not answer. */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { SearchResult, TitleListPage } from '../../api/types';
import { TitleRow } from './title-row';

const movie = (tmdbId: number, title: string): SearchResult => ({
  mediaType: 'movie',
  tmdbId,
  title,
  year: 2024,
  releaseDate: '2024-01-01',
  overview: null,
  posterPath: null,
  backdropPath: null,
  voteAverage: null,
  availability: 'available',
  requestId: null,
  requestStatus: null,
});
const page = (n: number, totalPages: number, results: SearchResult[]): TitleListPage => ({ page: n, totalPages, results });
const quota = { quota: undefined, onChange: () => undefined };

function row(load: (page: number) => Promise<TitleListPage>, cacheKey?: string) {
  return render(
    <MemoryRouter>
      <TitleRow heading="Popular movies" load={load} quota={quota} cacheKey={cacheKey} />
    </MemoryRouter>,
  );
}

describe('TitleRow', () => {
  it('shows its first page under its heading, and pages in more with the keyboard', async () => {
    const user = userEvent.setup();
    const load = vi.fn((p: number) =>
      Promise.resolve(p === 1 ? page(1, 2, [movie(1, 'Dune: Part Two'), movie(2, 'Oppenheimer')]) : page(2, 2, [movie(3, 'Wicked')])),
    );
    row(load);
    const section = screen.getByRole('region', { name: 'Popular movies' });
    expect(await within(section).findByRole('link', { name: 'Dune: Part Two' })).toHaveAttribute('href', '/movie/1');
    const more = screen.getByRole('button', { name: 'More: Popular movies' });
    more.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('link', { name: 'Wicked' })).toBeInTheDocument();
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: /More/ })).not.toBeInTheDocument();
    expect(load.mock.calls.map(([p]) => p)).toEqual([1, 2]);
  });

  it('says Overseerr is not answering when the row cannot load, and tries again on request', async () => {
    const user = userEvent.setup();
    const load = vi
      .fn<(p: number) => Promise<TitleListPage>>()
      .mockRejectedValueOnce(new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'Overseerr is unavailable right now (it answered 500)'))
      .mockResolvedValueOnce(page(1, 1, [movie(1, 'Dune: Part Two')]));
    row(load);
    expect(await screen.findByRole('alert')).toHaveTextContent('Overseerr is not answering, so no titles can be loaded right now.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Dune: Part Two' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps showing the titles it loaded earlier while Overseerr is down', async () => {
    const first = row(() => Promise.resolve(page(1, 1, [movie(1, 'Dune: Part Two')])), 'member-1:discover:popular-movies');
    expect(await screen.findByRole('link', { name: 'Dune: Part Two' })).toBeInTheDocument();
    first.unmount();
    row(() => Promise.reject(new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'down')), 'member-1:discover:popular-movies');
    expect(await screen.findByRole('alert')).toHaveTextContent('These titles were loaded earlier and may be out of date.');
    expect(screen.getByRole('link', { name: 'Dune: Part Two' })).toBeInTheDocument();
  });

  it('says when a row has nothing in it', async () => {
    row(() => Promise.resolve(page(1, 1, [])));
    expect(await screen.findByText('Nothing here right now.')).toBeInTheDocument();
  });
});
