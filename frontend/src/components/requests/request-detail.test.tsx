/**
 * Cancelling a pending request from its page, from the keyboard: once confirmed, the focus lands on the
 * message that it is cancelled (where the Cancel button was), never on the page's <body>; a dismissed
 * confirmation leaves it on the Cancel button and the request as it was.
 */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api/client';
import type { FollowState, MediaRequestDetail } from '../../api/types';
import { useApiData } from '../../hooks/use-api-data';
import { testUser } from '../../test/users';
import { RequestDetail } from './request-detail';

const CAROL = testUser();
vi.mock(import('../../app/session'), async (original) => ({ ...(await original()), useUser: () => CAROL }));
vi.mock(import('../../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn(), delete: vi.fn() },
}));
const get = vi.mocked(api.get);
const remove = vi.mocked(api.delete);
afterEach(() => {
  vi.resetAllMocks();
  vi.restoreAllMocks();
});

const PENDING: MediaRequestDetail = {
  id: 7,
  mediaType: 'movie',
  tmdbId: 558449,
  title: 'Gladiator II',
  posterPath: null,
  seasons: null,
  status: 'pending',
  overseerrId: 41,
  requestedBy: { id: CAROL.id, username: 'carol' },
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  download: null,
  stalled: false,
  timeline: [],
  playUrl: null,
  estimate: null,
};

function Detail() {
  const request = useApiData(async () => PENDING, []);
  return request.data ? <RequestDetail r={request.data} request={request} followId="7" /> : null;
}

async function show() {
  // "Notify me too" is not offered to the requester.
  const follow: FollowState = {
    request: {
      id: 7,
      title: 'Gladiator II',
      mediaType: 'movie',
      tmdbId: 558449,
      posterPath: null,
      status: 'pending',
      requestedBy: 'carol',
      mine: true,
    },
    following: false,
    followers: 0,
  };
  get.mockResolvedValue(follow);
  render(
    <MemoryRouter>
      <Detail />
    </MemoryRouter>,
  );
  return { button: await screen.findByRole('button', { name: 'Cancel request' }), user: userEvent.setup() };
}

describe('RequestDetail: Cancel request', () => {
  it('moves the focus to the message that the request is cancelled', async () => {
    const { button, user } = await show();
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    remove.mockResolvedValue({ request: { ...PENDING, status: 'cancelled' } });
    button.focus();
    await user.keyboard('{Enter}');
    const done = await screen.findByText('Request cancelled. It no longer counts against your quota.');
    expect(done).toHaveAttribute('role', 'status');
    expect(done).toHaveFocus();
    expect(screen.queryByRole('button', { name: 'Cancel request' })).not.toBeInTheDocument();
    expect(remove).toHaveBeenCalledWith('/api/v1/media/requests/:id', { id: 7 });
  });

  it('keeps the focus on Cancel request when the confirmation is dismissed', async () => {
    const { button, user } = await show();
    // The dialog takes the focus away, as a browser's may without giving it back.
    const confirm = vi.spyOn(window, 'confirm').mockImplementation(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      return false;
    });
    button.focus();
    await user.keyboard('{Enter}');
    expect(confirm).toHaveBeenCalledWith('Cancel your request for “Gladiator II”?');
    expect(button).toHaveFocus();
    expect(remove).not.toHaveBeenCalled();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
