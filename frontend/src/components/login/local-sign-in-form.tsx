/** Username and password for a MediaNest account (POST /api/v1/auth/login); Sign in stays disabled until both are filled. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client';
import type { User } from '../../api/types';
import { ErrorMessage } from '../feedback';

export function LocalSignInForm(props: {
  onSignedIn: (user: User) => void;
  error: string | undefined;
  onError: (message: string | undefined) => void;
}) {
  const { t } = useTranslation('auth');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitting(true);
    props.onError(undefined);
    try {
      props.onSignedIn((await api.post('/api/v1/auth/login', { username, password })).user);
    } catch (err) {
      props.onError(errorMessage(err));
      setSubmitting(false);
    }
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <div className="field">
        <label htmlFor="login-username">{t('signIn.username')}</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="login-password">{t('signIn.password')}</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      {props.error && <ErrorMessage message={props.error} />}
      <button type="submit" className="button button-primary button-block" disabled={submitting || !username || !password}>
        {submitting ? t('signIn.submitting') : t('signIn.submit')}
      </button>
    </form>
  );
}
