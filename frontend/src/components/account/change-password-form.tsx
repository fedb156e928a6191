/**
 * Changing your password (POST /api/v1/auth/password): the current password is required; every
 * other browser is signed out, this one stays.
 */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client';
import { reconnectRealtime } from '../../realtime/socket';
import { ErrorMessage, Notice } from '../feedback';
import { NewPasswordFields, passwordProblem } from '../password-fields';

export function ChangePasswordForm({ username }: { username: string }) {
  const { t } = useTranslation('account');
  const currentId = useId();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = passwordProblem(password, confirmation);
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
      <h2 id="password-heading">{t('password.heading')}</h2>
      <div className="field">
        <label htmlFor={currentId}>{t('password.current')}</label>
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
      {done && <Notice tone="success">{t('password.done')}</Notice>}
      <div className="form-buttons">
        <button type="submit" className="button button-primary" disabled={submitting || !current || !password || !confirmation}>
          {submitting ? t('password.submitting') : t('password.submit')}
        </button>
      </div>
    </form>
  );
}
