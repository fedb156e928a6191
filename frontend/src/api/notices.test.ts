import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow, StatusNotices } from '@medianest/contracts';
import { maintenanceScope, noticesAt } from './notices';

const at = (iso: string) => Date.parse(iso);
const window = (id: number, startsAt: string, endsAt: string, services: string[] | null = ['plex']): MaintenanceWindow => ({
  id,
  services,
  serviceNames: services === null ? [] : services.map((s) => (s === 'plex' ? 'Plex' : 'Overseerr')),
  startsAt,
  endsAt,
  message: `window ${id}`,
  createdAt: '2026-06-01T00:00:00Z',
});

describe('the banners shown at a moment', () => {
  const notices: StatusNotices = {
    announcements: [
      { id: 1, message: 'until ended', severity: 'info', createdAt: '2026-06-15T08:00:00Z', expiresAt: null },
      { id: 2, message: 'expired', severity: 'warning', createdAt: '2026-06-15T08:00:00Z', expiresAt: '2026-06-15T11:00:00Z' },
      { id: 3, message: 'until tonight', severity: 'warning', createdAt: '2026-06-15T08:00:00Z', expiresAt: '2026-06-15T23:00:00Z' },
    ],
    maintenance: [
      window(10, '2026-06-15T11:00:00Z', '2026-06-15T13:00:00Z'),
      window(11, '2026-06-16T02:00:00Z', '2026-06-16T03:00:00Z', ['plex', 'overseerr']),
      window(12, '2026-06-18T02:00:00Z', '2026-06-18T03:00:00Z', null),
    ],
  };

  it('shows announcements not expired, maintenance in progress, and maintenance starting within a day as planned', () => {
    const shown = noticesAt(notices, at('2026-06-15T12:00:00Z'));
    expect(shown.announcements.map((a) => a.id)).toEqual([1, 3]);
    expect(shown.active.map((m) => m.id)).toEqual([10]);
    expect(shown.upcoming.map((m) => m.id)).toEqual([11]);
  });

  it('moves a window from planned to in progress to gone on its own schedule', () => {
    expect(noticesAt(notices, at('2026-06-16T01:59:00Z')).upcoming.map((m) => m.id)).toEqual([11]);
    expect(noticesAt(notices, at('2026-06-16T02:00:00Z')).active.map((m) => m.id)).toEqual([11]);
    const after = noticesAt(notices, at('2026-06-16T03:00:00Z'));
    expect([...after.active, ...after.upcoming].map((m) => m.id)).toEqual([]);
  });

  it('names the services a window covers', () => {
    expect(maintenanceScope(notices.maintenance[1]!)).toBe('Plex, Overseerr');
    expect(maintenanceScope(notices.maintenance[2]!)).toBe('All services');
  });
});
