/** The sign-in page's two halves: the local form (against a mocked API client) and the Plex section in each phase. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../../api/client';
import { LocalSignInForm } from './local-sign-in-form';
import { PlexSignIn } from './plex-sign-in';

vi.mock(import('../../api/client'), async (original) => ({ ...(await original()), api: { ...(await original()).api, post: vi.fn() } }));
const post = vi.mocked(api.post);
afterEach(() => post.mockReset());

function LocalForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [error, setError] = useState<string | undefined>(undefined);
  return <LocalSignInForm onSignedIn={onSignedIn} error={error} onError={setError} />;
}

describe('LocalSignInForm', () => {
  it('enables Sign in once both fields are filled, and signs in with them', async () => {
    const user = userEvent.setup();
    const onSignedIn = vi.fn();
    const alice = { id: 'u1', username: 'alice' };
    post.mockResolvedValue({ user: alice } as Awaited<ReturnType<typeof api.post>>);
    render(<LocalForm onSignedIn={onSignedIn} />);
    const button = screen.getByRole('button', { name: 'Sign in' });
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText('Username'), 'alice');
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText('Password'), 'secret password');
    expect(button).toBeEnabled();
    await user.click(button);
    expect(post).toHaveBeenCalledWith('/api/v1/auth/login', { username: 'alice', password: 'secret password' });
    expect(onSignedIn).toHaveBeenCalledWith(alice);
  });

  it('shows why the server refused, and lets the member try again', async () => {
    const user = userEvent.setup();
    post.mockRejectedValue(new ApiError(401, 'INVALID_CREDENTIALS', 'Wrong username or password'));
    const onSignedIn = vi.fn();
    render(<LocalForm onSignedIn={onSignedIn} />);
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(onSignedIn).not.toHaveBeenCalled();
  });
});

describe('PlexSignIn', () => {
  it('offers Sign in with Plex, and says it is contacting Plex while the PIN is made', async () => {
    const user = userEvent.setup();
    const onStart = vi.fn();
    const { rerender } = render(<PlexSignIn plex={{ phase: 'idle' }} onStart={onStart} onCancel={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Sign in with Plex' }));
    expect(onStart).toHaveBeenCalled();
    rerender(<PlexSignIn plex={{ phase: 'starting' }} onStart={onStart} onCancel={vi.fn()} />);
    expect(screen.getByRole('button', { name: 'Contacting Plex…' })).toBeDisabled();
  });

  it('while waiting: tells the member to finish on Plex, links there when the popup was blocked, and can cancel', async () => {
    const user = userEvent.setup();
    const onCancel = vi.fn();
    render(
      <PlexSignIn
        plex={{ phase: 'waiting', authUrl: 'https://app.plex.tv/auth#?code=x', popupBlocked: true }}
        onStart={vi.fn()}
        onCancel={onCancel}
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Finish signing in on the Plex page.');
    expect(screen.getByRole('link', { name: 'Open the Plex sign-in page' })).toHaveAttribute('href', 'https://app.plex.tv/auth#?code=x');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalled();
  });

  it('shows why the Plex sign-in failed, with the button to start again', () => {
    render(
      <PlexSignIn
        plex={{ phase: 'failed', message: 'Your Plex account does not have access to this server.' }}
        onStart={vi.fn()}
        onCancel={vi.fn()}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Your Plex account does not have access to this server.');
    expect(screen.getByRole('button', { name: 'Sign in with Plex' })).toBeEnabled();
  });
});
