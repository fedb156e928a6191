/**
 * Removing a row on the admin lists (monitored services, notification channels) from the keyboard: the
 * focus lands on the line saying what was removed, never on the page's <body>; a dismissed confirmation
 * leaves it on the Remove button and the row in place.
 */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReactElement } from 'react';
import { api } from '../api/client';
import { AdminNotificationsPage } from '../pages/admin/admin-notifications-page';
import { AdminServicesPage } from '../pages/admin/admin-services-page';

vi.mock(import('../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn(), delete: vi.fn() },
}));
const get = vi.mocked(api.get);
const remove = vi.mocked(api.delete);
afterEach(() => {
  vi.resetAllMocks();
  vi.restoreAllMocks();
});

const CREATED = '2026-01-01T00:00:00.000Z';
const service = (id: number, name: string) => ({
  id,
  key: `monitored:${id}`,
  name,
  url: `http://192.168.1.${id}:8989`,
  enabled: true,
  createdAt: CREATED,
});
const channel = (id: number, name: string) => ({
  id,
  name,
  kind: 'ntfy' as const,
  enabled: true,
  settings: { server: 'http://192.168.1.5', topic: 'medianest' },
  secrets: {},
  createdAt: CREATED,
  updatedAt: CREATED,
});

const lists: [string, () => ReactElement, unknown, string][] = [
  ['monitored services', () => <AdminServicesPage />, { services: [service(1, 'Sonarr'), service(2, 'Radarr')] }, 'Services'],
  ['notification channels', () => <AdminNotificationsPage />, { channels: [channel(1, 'Sonarr'), channel(2, 'Radarr')] }, 'Channels'],
];

async function show(page: () => ReactElement, answer: unknown, heading: string) {
  get.mockResolvedValue(answer as Awaited<ReturnType<typeof api.get>>);
  render(<RouterProvider router={createMemoryRouter([{ path: '/', element: page() }])} />);
  const panel = (await screen.findByRole('heading', { level: 2, name: heading })).closest('section')!;
  await within(panel).findByText('Sonarr');
  return { panel: panel, user: userEvent.setup() };
}

describe.each(lists)('removing one of the %s', (_what, page, answer, heading) => {
  it('puts the focus on "Removed …" once the row is gone', async () => {
    const { panel, user } = await show(page, answer, heading);
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    remove.mockResolvedValue(undefined as Awaited<ReturnType<typeof api.delete>>);
    within(panel).getByRole('button', { name: 'Remove Sonarr' }).focus();
    await user.keyboard('{Enter}');
    const removed = await within(panel).findByRole('status');
    expect(removed).toHaveTextContent('Removed Sonarr.');
    expect(removed).toHaveFocus();
    expect(within(panel).queryByText('Sonarr')).not.toBeInTheDocument();

    // The next removal takes the focus to the line again, now naming that one.
    within(panel).getByRole('button', { name: 'Remove Radarr' }).focus();
    await user.keyboard('{Enter}');
    expect(await within(panel).findByText('Removed Radarr.')).toHaveFocus();
    expect(remove).toHaveBeenCalledTimes(2);
  });

  it('keeps the focus on Remove, and the row, when the confirmation is dismissed', async () => {
    const { panel, user } = await show(page, answer, heading);
    // The dialog takes the focus away, as a browser's may without giving it back.
    const confirm = vi.spyOn(window, 'confirm').mockImplementation(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      return false;
    });
    const button = within(panel).getByRole('button', { name: 'Remove Sonarr' });
    await user.click(button);
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Sonarr'));
    expect(button).toHaveFocus();
    expect(remove).not.toHaveBeenCalled();
    expect(within(panel).getByText('Sonarr')).toBeInTheDocument();
  });
});
