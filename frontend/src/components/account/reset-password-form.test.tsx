/** Setting a password from a one-time link: the two fields, the checks made before sending, and the server's refusal. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { ResetPasswordForm } from './reset-password-form';

const INFO = { username: 'bob', expiresAt: '2026-12-07T12:00:00.000Z' };

function setup(onSubmit = vi.fn(async () => undefined)) {
  render(<ResetPasswordForm info={INFO} onSubmit={onSubmit} />);
  return { user: userEvent.setup(), onSubmit, button: screen.getByRole('button', { name: 'Set password' }) };
}

describe('ResetPasswordForm', () => {
  it('names the account and keeps Set password disabled until both fields are filled', async () => {
    const { user, button } = setup();
    expect(screen.getByText('bob')).toBeInTheDocument();
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText('New password'), 'correct horse');
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText('New password again'), 'correct horse');
    expect(button).toBeEnabled();
  });

  it('says the two passwords differ as soon as the second one does, and does not send them', async () => {
    const { user, onSubmit } = setup();
    await user.type(screen.getByLabelText('New password'), 'correct horse');
    await user.type(screen.getByLabelText('New password again'), 'correct hors');
    expect(screen.getByText('The two passwords are not the same.')).toBeInTheDocument();
    expect(screen.getByLabelText('New password again')).toHaveAttribute('aria-invalid', 'true');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The two passwords are not the same.');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('refuses a password shorter than the minimum before sending it', async () => {
    const { user, onSubmit } = setup();
    await user.type(screen.getByLabelText('New password'), 'short');
    await user.type(screen.getByLabelText('New password again'), 'short');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Use at least 8 characters.');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("sends a good password and shows the server's refusal, ready to try again", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(400, 'VALIDATION_FAILED', 'newPassword: must be at most 256 characters');
    });
    const { user } = setup(onSubmit);
    await user.type(screen.getByLabelText('New password'), 'correct horse');
    await user.type(screen.getByLabelText('New password again'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(onSubmit).toHaveBeenCalledWith('correct horse');
    expect(await screen.findByRole('alert')).toHaveTextContent('Some of what you entered is not valid. Check the fields and try again.');
    expect(screen.getByRole('button', { name: 'Set password' })).toBeEnabled();
  });
});
