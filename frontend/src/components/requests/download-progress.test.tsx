/** What a member sees of a download: percent, time left, per-episode bars for a show, and each season's state. */
import { render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DownloadProgress as Progress } from '../../api/types';
import { DownloadProgress, eta } from './download-progress';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const inMinutes = (m: number) => new Date(NOW + m * 60_000).toISOString();

function item(title: string, percent: number, minutesLeft: number | null, season: number | null = null, episode: number | null = null) {
  return {
    title,
    status: 'downloading',
    size: 100,
    sizeLeft: 100 - percent,
    percent,
    estimatedCompletionAt: minutesLeft === null ? null : inMinutes(minutesLeft),
    seasonNumber: season,
    episodeNumber: episode,
  };
}

beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

describe('DownloadProgress', () => {
  it('shows one bar with the percent and the time left for a movie', () => {
    const progress: Progress = { percent: 42.4, estimatedCompletionAt: inMinutes(65), items: [item('Dune', 42.4, 65)], seasons: [] };
    render(<DownloadProgress progress={progress} />);
    expect(screen.getByRole('heading', { name: 'Download' })).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Downloaded' })).toHaveAttribute('value', '42.4');
    expect(screen.getByText(/about 1 hr 5 min left/)).toBeInTheDocument();
    expect(screen.getByText('42%')).toBeInTheDocument();
    expect(screen.getAllByRole('progressbar')).toHaveLength(1);
  });

  it('lists each episode of a show with its own bar, and each season', () => {
    const progress: Progress = {
      percent: 50,
      estimatedCompletionAt: inMinutes(30),
      items: [item('Show S01E01', 80, 10, 1, 1), item('Show S01E02', 20, null, 1, 2)],
      seasons: [
        { seasonNumber: 1, state: 'processing' },
        { seasonNumber: 2, state: 'partially_available' },
      ],
    };
    render(<DownloadProgress progress={progress} />);
    expect(screen.getByRole('progressbar', { name: 'S01E01 downloaded' })).toHaveAttribute('value', '80');
    const second = screen.getByRole('progressbar', { name: 'S01E02 downloaded' }).closest('li')!;
    expect(within(second).getByText(/20% · no estimate yet/)).toBeInTheDocument();
    expect(screen.getByText('Season 1: Downloading or searching')).toBeInTheDocument();
    expect(screen.getByText('Season 2: Partly in Plex')).toBeInTheDocument();
  });

  it('says when nothing is downloading', () => {
    render(<DownloadProgress progress={{ percent: 0, estimatedCompletionAt: null, items: [], seasons: [] }} />);
    expect(screen.getByText('Nothing is downloading right now.')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });
});

describe('eta', () => {
  it('words the time left', () => {
    expect(eta(null)).toBe('no estimate yet');
    expect(eta(inMinutes(-1))).toBe('finishing');
    expect(eta(inMinutes(0.2))).toBe('about 1 min left');
    expect(eta(inMinutes(59))).toBe('about 59 min left');
    expect(eta(inMinutes(125))).toBe('about 2 hr 5 min left');
  });
});
