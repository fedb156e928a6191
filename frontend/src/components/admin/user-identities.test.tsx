/** A member's SSO identities on /admin/users: listed with Unlink, linked by subject, the form gone when SSO is not set up. */
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api/client';
import { UserIdentities } from './user-identities';

vi.mock(import('../../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn(), post: vi.fn(), delete: vi.fn() },
}));
const get = vi.mocked(api.get);
const post = vi.mocked(api.post);
const del = vi.mocked(api.delete);
afterEach(() => vi.resetAllMocks());

const identity = (id: string, subject: string) => ({
  id,
  issuer: 'http://127.0.0.1:9000/application/o/medianest/',
  subject,
  email: null,
  createdAt: '2026-12-01T00:00:00Z',
  lastLoginAt: null,
});

describe('UserIdentities', () => {
  it('lists the identities with their provider host, and unlinks one', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue({ identities: [identity('i1', 'sub-alice')] });
    del.mockResolvedValue(undefined);
    render(<UserIdentities userId="u1" username="alice" />);
    const list = await screen.findByRole('list', { name: 'SSO identities of alice' });
    expect(list).toHaveTextContent('127.0.0.1:9000 · sub-alice');
    await user.click(within(list).getByRole('button', { name: 'Unlink' }));
    expect(del).toHaveBeenCalledWith('/api/v1/admin/users/:id/identities/:identityId', { id: 'u1', identityId: 'i1' });
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });

  it('links an identity by its subject', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue({ identities: [] });
    post.mockResolvedValue({ identity: identity('i2', 'sub-bob') } as Awaited<ReturnType<typeof api.post>>);
    render(<UserIdentities userId="u2" username="bob" />);
    await user.type(await screen.findByLabelText('SSO subject for bob'), ' sub-bob ');
    await user.click(screen.getByRole('button', { name: 'Link SSO identity' }));
    expect(post).toHaveBeenCalledWith('/api/v1/admin/users/:id/identities', { subject: 'sub-bob' }, { id: 'u2' });
    expect(await screen.findByRole('list', { name: 'SSO identities of bob' })).toHaveTextContent('sub-bob');
  });

  it('stops offering to link once the server says SSO is not set up, and says other refusals', async () => {
    const user = userEvent.setup();
    get.mockResolvedValue({ identities: [identity('i1', 'sub-alice')] });
    post.mockRejectedValueOnce(
      new ApiError(409, 'CONFLICT', 'That identity is linked to a member already', [{ path: 'subject', message: 'is linked already' }]),
    );
    post.mockRejectedValueOnce(new ApiError(409, 'NOT_CONFIGURED', 'OpenID Connect is not configured'));
    render(<UserIdentities userId="u1" username="alice" />);
    await user.type(await screen.findByLabelText('SSO subject for alice'), 'taken');
    await user.click(screen.getByRole('button', { name: 'Link SSO identity' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That SSO subject is already in use.');
    await user.click(screen.getByRole('button', { name: 'Link SSO identity' }));
    expect(screen.queryByLabelText('SSO subject for alice')).not.toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'SSO identities of alice' })).toBeInTheDocument();
  });

  it('shows nothing when the list cannot be had', async () => {
    get.mockRejectedValue(new ApiError(500, 'INTERNAL', 'boom'));
    const { container } = render(<UserIdentities userId="u1" username="alice" />);
    await vi.waitFor(() => expect(get).toHaveBeenCalled());
    expect(container).toBeEmptyDOMElement();
  });
});
