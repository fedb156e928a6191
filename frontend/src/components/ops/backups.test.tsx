/** The Ops page's Backups panel and Overseerr version, as an operator reads them. */
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Backups } from './backups';
import { OverseerrVersion } from './overseerr-version';

describe('Backups', () => {
  it('shows the newest backup with its size and age, and marks it late past 26 hours', () => {
    const latest = { file: 'medianest-1.db', sizeBytes: 3 * 1024 * 1024, takenAt: '2026-12-05T00:00:00Z', ageSeconds: 30 * 3600 };
    render(<Backups backups={{ mode: 'automatic', intervalHours: 24, keep: 7, count: 3, latest }} />);
    expect(screen.getByText(/Every 24 h into DATA_DIR\/backups, the newest 7 kept \(3 there now\)/)).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '3 MB' })).toBeInTheDocument();
    expect(screen.getByText('30 hr')).toHaveClass('badge-danger');
  });

  it('says a PostgreSQL database is backed up outside MediaNest', () => {
    render(<Backups backups={{ mode: 'external' }} />);
    expect(screen.getByText(/back it up with pg_dump/)).toBeInTheDocument();
  });
});

describe('OverseerrVersion', () => {
  it('names the Overseerr version, and nothing when the server did not send one', () => {
    const { rerender } = render(<OverseerrVersion data={{ overseerr: { version: '1.33.2', checkedAt: '2026-12-06T08:00:00Z' } }} />);
    expect(screen.getByText(/Overseerr 1\.33\.2/)).toBeInTheDocument();
    rerender(<OverseerrVersion data={{ overseerr: { version: null } }} />);
    expect(screen.queryByText(/Overseerr/)).not.toBeInTheDocument();
  });
});
