/**
 * One account on /admin/users: who it is and when they last signed in, its
 * role and enabled state changed in place (PATCH /api/v1/admin/users/:id),
 * and for a local account a one-time password link (POST …/password-reset).
 * Administrators cannot demote or disable themselves. Below: the member's SSO identities.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ResetLink, Role, User } from '../../api/types';
import { useAsyncAction } from '../../hooks/use-async-action';
import { formatAgo } from '../format';
import { ResetLinkNotice } from './reset-link-notice';
import { UserIdentities } from './user-identities';

interface ControlsProps {
  user: User;
  isSelf: boolean;
  busy: boolean;
  onPatch: (change: { role?: Role; enabled?: boolean }) => void;
  onResetLink: () => void;
}

function UserControls({ user, isSelf, busy, onPatch, onResetLink }: ControlsProps) {
  const { t } = useTranslation('admin');
  const roleId = useId();
  // Plex accounts have their password on plex.tv; local ones can be given a reset link.
  const local = user.plexUsername === null;
  return (
    <span className="row-controls">
      <label htmlFor={roleId} className="visually-hidden">
        {t('users.roleOf', { username: user.username })}
      </label>
      <select
        id={roleId}
        value={user.role}
        disabled={busy || isSelf}
        onChange={(e) => onPatch({ role: e.target.value === 'admin' ? 'admin' : 'user' })}
      >
        <option value="user">{t('users.roleUser')}</option>
        <option value="admin">{t('account:roleAdmin')}</option>
      </select>
      <button
        type="button"
        className={user.enabled ? 'button button-small' : 'button button-small button-primary'}
        disabled={busy || isSelf}
        onClick={() => onPatch({ enabled: !user.enabled })}
        aria-label={
          user.enabled ? t('users.disableLabel', { username: user.username }) : t('users.enableLabel', { username: user.username })
        }
      >
        {user.enabled ? t('users.disable') : t('users.enable')}
      </button>
      {local && !isSelf && (
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          onClick={onResetLink}
          aria-label={t('users.resetLinkLabel', { username: user.username })}
        >
          {t('users.resetLink')}
        </button>
      )}
      {!user.enabled && <span className="badge badge-muted">{t('users.disabled')}</span>}
    </span>
  );
}

export function UserRow({ user, isSelf, onChange }: { user: User; isSelf: boolean; onChange: (u: User) => void }) {
  const { t } = useTranslation('admin');
  const { busy, error, run } = useAsyncAction();
  const [link, setLink] = useState<ResetLink | undefined>(undefined);
  const makeResetLink = () =>
    void run(async () => setLink((await api.post('/api/v1/admin/users/:id/password-reset', undefined, { id: user.id })).resetLink));
  const patch = (change: { role?: Role; enabled?: boolean }) =>
    void run(async () => onChange((await api.patch('/api/v1/admin/users/:id', change, { id: user.id })).user));

  return (
    <li className="row user-row">
      <span className="row-main">
        <strong>
          {user.username}
          {isSelf && <span className="muted"> {t('users.you')}</span>}
        </strong>
        <span className="muted row-sub">
          {[user.plexUsername && `Plex: ${user.plexUsername}`, user.email, t('users.lastSignIn', { ago: formatAgo(user.lastLoginAt) })]
            .filter(Boolean)
            .join(' · ')}
        </span>
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
        {link && <ResetLinkNotice link={link} username={user.username} />}
        <UserIdentities userId={user.id} username={user.username} />
      </span>
      <UserControls user={user} isSelf={isSelf} busy={busy} onPatch={patch} onResetLink={makeResetLink} />
    </li>
  );
}
