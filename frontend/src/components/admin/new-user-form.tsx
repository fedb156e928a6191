/**
 * Adds a local account (POST /api/v1/admin/users) for someone without a Plex
 * account, and shows the one-time link for them to choose their password.
 */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ResetLink, Role, User } from '../../api/types';
import { useAsyncAction } from '../../hooks/use-async-action';
import { ErrorMessage } from '../feedback';
import { ResetLinkNotice } from './reset-link-notice';
import './new-user-form.css';

export function NewUserForm({ onCreated }: { onCreated: (u: User) => void }) {
  const { t } = useTranslation('admin');
  const id = useId();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('user');
  const { busy, error, run } = useAsyncAction();
  const [created, setCreated] = useState<{ username: string; link: ResetLink } | undefined>(undefined);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(undefined);
    void run(async () => {
      const { user, resetLink } = await api.post('/api/v1/admin/users', {
        username: username.trim(),
        email: email.trim() || undefined,
        role,
      });
      onCreated(user);
      setCreated({ username: user.username, link: resetLink });
      setUsername('');
      setEmail('');
      setRole('user');
    });
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="new-user">
      <h2 id={`${id}-heading`}>{t('users.add.heading')}</h2>
      <p className="muted">{t('users.add.intro')}</p>
      <form className="form form-inline new-user-form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-username`}>{t('account:username')}</label>
          <input
            id={`${id}-username`}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={64}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('users.add.email')}</label>
          <input id={`${id}-email`} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('account:role')}</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value === 'admin' ? 'admin' : 'user')}>
            <option value="user">{t('users.roleUser')}</option>
            <option value="admin">{t('account:roleAdmin')}</option>
          </select>
        </div>
        <button type="submit" className="button button-primary" disabled={busy || !username.trim()}>
          {busy ? t('common:adding') : t('users.add.submit')}
        </button>
        {error && <ErrorMessage message={error} />}
        {created && <ResetLinkNotice link={created.link} username={created.username} created />}
      </form>
    </section>
  );
}
