/**
 * /account: who you are, and changing your password (POST /api/v1/auth/password).
 * The current password is required; every other browser is signed out, this one stays.
 */
import { useId, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/client';
import { useUser } from '../app/session';
import { reconnectRealtime } from '../realtime/socket';
import { ErrorMessage, Notice } from '../components/feedback';
import { Page } from '../components/page';
import { NewPasswordFields, passwordProblem } from '../components/password-fields';
import './account-page.css';

function ChangePasswordForm({ username }: { username: string }) {
  const currentId = useId();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);

  const problem = passwordProblem(password, confirmation);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem) return setError(problem);
    setSubmitting(true);
    setError(undefined);
    setDone(false);
    try {
      await api.post('/api/v1/auth/password', { currentPassword: current, newPassword: password });
      // Every session of the account ended (this browser got a fresh one): the live connection follows it.
      reconnectRealtime();
      setCurrent('');
      setPassword('');
      setConfirmation('');
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form className="form account-form" onSubmit={onSubmit} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <div className="field">
        <label htmlFor={currentId}>Current password</label>
        <input
          id={currentId}
          name="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </div>
      <NewPasswordFields
        password={password}
        confirmation={confirmation}
        onPassword={setPassword}
        onConfirmation={setConfirmation}
        username={username}
      />
      {error && <ErrorMessage message={error} />}
      {done && <Notice tone="success">Password changed. You are still signed in here; every other browser has been signed out.</Notice>}
      <div className="form-buttons">
        <button type="submit" className="button button-primary" disabled={submitting || !current || !password || !confirmation}>
          {submitting ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}

export function AccountPage() {
  const user = useUser();
  const plexOnly = user.plexUsername !== null && user.plexUsername !== undefined;
  return (
    <Page title="Your account" ready>
      <dl className="facts">
        <dt>Username</dt>
        <dd>{user.username}</dd>
        {user.plexUsername && (
          <>
            <dt>Plex account</dt>
            <dd>{user.plexUsername}</dd>
          </>
        )}
        {user.email && (
          <>
            <dt>E-mail</dt>
            <dd>{user.email}</dd>
          </>
        )}
        <dt>Role</dt>
        <dd>{user.role === 'admin' ? 'Administrator' : 'Member'}</dd>
      </dl>
      {plexOnly ? (
        <Notice>You sign in with Plex, so your password is managed on plex.tv.</Notice>
      ) : (
        <ChangePasswordForm username={user.username} />
      )}
    </Page>
  );
}
