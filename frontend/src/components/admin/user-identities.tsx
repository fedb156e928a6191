/**
 * A member's single sign-on identities on /admin/users: the provider's host and the person's `sub`
 * there, when they last signed in with it, Unlink (which ends the member's sessions), and a small form
 * to link one by its `sub`. Nothing shows while the list cannot be had; the form hides once the server
 * says OpenID Connect is not set up.
 */
import type { LinkedIdentity } from '@medianest/contracts';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useIdentities } from '../../hooks/use-identities';
import { formatAgo } from '../format';
import './user-identities.css';

const host = (issuer: string) => {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
};

export function UserIdentities({ userId, username }: { userId: string; username: string }) {
  const { t } = useTranslation('admin');
  const ids = useIdentities(userId);
  if (!ids.loaded || !ids.identities) return null;
  if (ids.identities.length === 0 && !ids.linkable) return null;
  return (
    <div className="user-identities">
      {ids.identities.length > 0 && (
        <ul aria-label={t('users.sso.listLabel', { username })}>
          {ids.identities.map((identity) => (
            <IdentityItem key={identity.id} identity={identity} busy={ids.busy} onUnlink={() => void ids.unlink(identity)} />
          ))}
        </ul>
      )}
      {ids.linkable && <LinkIdentityForm username={username} busy={ids.busy} onLink={(subject) => ids.link(subject)} />}
      {ids.error && (
        <span className="field-error" role="alert">
          {ids.error}
        </span>
      )}
    </div>
  );
}

function IdentityItem({ identity, busy, onUnlink }: { identity: LinkedIdentity; busy: boolean; onUnlink: () => void }) {
  const { t } = useTranslation('admin');
  return (
    <li className="muted">
      SSO: {host(identity.issuer)} · {identity.subject} · {t('users.lastSignIn', { ago: formatAgo(identity.lastLoginAt) })}{' '}
      <button type="button" className="button button-small button-quiet" disabled={busy} onClick={onUnlink}>
        {t('users.sso.unlink')}
      </button>
    </li>
  );
}

function LinkIdentityForm({ username, busy, onLink }: { username: string; busy: boolean; onLink: (subject: string) => Promise<boolean> }) {
  const { t } = useTranslation('admin');
  const id = useId();
  const [subject, setSubject] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onLink(subject.trim()).then((linked) => linked && setSubject(''));
  };
  return (
    <form className="link-identity" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('users.sso.subjectLabel', { username })}
      </label>
      <input id={id} value={subject} onChange={(e) => setSubject(e.target.value)} placeholder={t('users.sso.subjectPlaceholder')} />
      <button type="submit" className="button button-small" disabled={busy || subject.trim() === ''}>
        {t('users.sso.link')}
      </button>
    </form>
  );
}
