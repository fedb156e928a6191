/** The owner's switch on the Administration page: read, changed and confirmed, and a refusal shown. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api/client';
import { WatchlistAutoRequest } from './watchlist-auto-request';

vi.mock(import('../../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn(), patch: vi.fn() },
}));
const get = vi.mocked(api.get);
const patch = vi.mocked(api.patch);
afterEach(() => vi.resetAllMocks());

const TOGGLE = "Request new titles from members' Plex watchlists automatically";

describe('WatchlistAutoRequest', () => {
  it('turns automatic requests on and says it is saved', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue({ autoRequest: false });
    patch.mockResolvedValue({ autoRequest: true });
    render(<WatchlistAutoRequest />);
    const toggle = await screen.findByRole('checkbox', { name: TOGGLE });
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    expect(patch).toHaveBeenCalledWith('/api/v1/admin/watchlist', { autoRequest: true });
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: TOGGLE })).toBeChecked();
  });

  it('shows why a change was refused and keeps the stored state', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue({ autoRequest: true });
    patch.mockRejectedValue(new ApiError(403, 'FORBIDDEN', 'You are not allowed to do this'));
    render(<WatchlistAutoRequest />);
    await user.click(await screen.findByRole('checkbox', { name: TOGGLE }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You are not allowed to do this');
    expect(screen.getByRole('checkbox', { name: TOGGLE })).toBeChecked();
  });
});
