/**
 * /admin/users: every account (GET /api/v1/admin/users), with role and
 * enabled changed in place (PATCH /api/v1/admin/users/:id), new local accounts
 * (POST /api/v1/admin/users) and one-time password links for local accounts
 * (POST /api/v1/admin/users/:id/password-reset) to hand to the member.
 */
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../../api/client';
import type { ResetLink, Role, User } from '../../api/types';
import { useUser } from '../../app/session';
import { EmptyState, ErrorMessage, Notice, SkeletonRows } from '../../components/feedback';
import { formatAgo, formatDateTime } from '../../components/format';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';
import '../../components/admin/new-user-form.css';
import '../../components/admin/reset-link-notice.css';

/** A reset link to copy and hand over, with when it stops working. */
function ResetLinkNotice({ link, username, created }: { link: ResetLink; username: string; created?: boolean }) {
  const [copied, setCopied] = useState(false);
  const inputId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(true);
    } catch {
      (document.getElementById(inputId) as HTMLInputElement | null)?.select();
    }
  };
  return (
    <Notice tone="success">
      <p>
        {created ? `Account ${username} created. ` : ''}Give {username} this link to set {created ? 'a' : 'a new'} password. It works once
        {`, until ${formatDateTime(link.expiresAt)}`}; a newer link replaces it.
      </p>
      <div className="copy-field">
        <label htmlFor={inputId} className="visually-hidden">
          Password link for {username}
        </label>
        <input id={inputId} readOnly value={link.url} onFocus={(e) => e.target.select()} />
        <button type="button" className="button button-small" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </Notice>
  );
}

function NewUserForm({ onCreated }: { onCreated: (u: User) => void }) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<{ username: string; link: ResetLink } | undefined>(undefined);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    try {
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
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="new-user">
      <h2 id={`${id}-heading`}>Add a local account</h2>
      <p className="muted">For someone without a Plex account. You get a one-time link for them to choose their password.</p>
      <form className="form form-inline new-user-form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-username`}>Username</label>
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
          <label htmlFor={`${id}-email`}>E-mail (optional)</label>
          <input id={`${id}-email`} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value === 'admin' ? 'admin' : 'user')}>
            <option value="user">User</option>
            <option value="admin">Administrator</option>
          </select>
        </div>
        <button type="submit" className="button button-primary" disabled={busy || !username.trim()}>
          {busy ? 'Adding…' : 'Add account'}
        </button>
        {error && <ErrorMessage message={error} />}
        {created && <ResetLinkNotice link={created.link} username={created.username} created />}
      </form>
    </section>
  );
}

function UserRow({ user, isSelf, onChange }: { user: User; isSelf: boolean; onChange: (u: User) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [link, setLink] = useState<ResetLink | undefined>(undefined);
  const roleId = useId();
  // Plex accounts have their password on plex.tv; local ones can be given a reset link.
  const local = user.plexUsername === null;

  const makeResetLink = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setLink((await api.post('/api/v1/admin/users/:id/password-reset', undefined, { id: user.id })).resetLink);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const patch = async (change: { role?: Role; enabled?: boolean }) => {
    setBusy(true);
    setError(undefined);
    try {
      onChange((await api.patch('/api/v1/admin/users/:id', change, { id: user.id })).user);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="row user-row">
      <span className="row-main">
        <strong>
          {user.username}
          {isSelf && <span className="muted"> (you)</span>}
        </strong>
        <span className="muted row-sub">
          {[user.plexUsername && `Plex: ${user.plexUsername}`, user.email, `last sign-in ${formatAgo(user.lastLoginAt)}`]
            .filter(Boolean)
            .join(' · ')}
        </span>
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
        {link && <ResetLinkNotice link={link} username={user.username} />}
      </span>
      <span className="row-controls">
        <label htmlFor={roleId} className="visually-hidden">
          Role of {user.username}
        </label>
        <select
          id={roleId}
          value={user.role}
          disabled={busy || isSelf}
          onChange={(e) => patch({ role: e.target.value === 'admin' ? 'admin' : 'user' })}
        >
          <option value="user">User</option>
          <option value="admin">Administrator</option>
        </select>
        <button
          type="button"
          className={user.enabled ? 'button button-small' : 'button button-small button-primary'}
          disabled={busy || isSelf}
          onClick={() => patch({ enabled: !user.enabled })}
          aria-label={`${user.enabled ? 'Disable' : 'Enable'} ${user.username}`}
        >
          {user.enabled ? 'Disable' : 'Enable'}
        </button>
        {local && !isSelf && (
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={makeResetLink}
            aria-label={`Password reset link for ${user.username}`}
          >
            Reset link
          </button>
        )}
        {!user.enabled && <span className="badge badge-muted">Disabled</span>}
      </span>
    </li>
  );
}

export function AdminUsersPage() {
  const me = useUser();
  const users = useApiData(async (signal) => (await api.get('/api/v1/admin/users', undefined, signal)).users, []);
  const replace = (u: User) => users.setData((list) => list?.map((x) => (x.id === u.id ? u : x)));
  const add = (u: User) => users.setData((list) => [...(list ?? []), u]);

  return (
    <Page title="Users" ready={!users.loading} back={<Link to="/admin">← Administration</Link>}>
      {users.loading ? (
        <SkeletonRows count={4} label="Loading users" />
      ) : users.error ? (
        <ErrorMessage message={users.error} onRetry={users.reload} />
      ) : !users.data || users.data.length === 0 ? (
        <EmptyState>No users yet.</EmptyState>
      ) : (
        <ul className="rows">
          {users.data.map((u) => (
            <UserRow key={u.id} user={u} isSelf={u.id === me.id} onChange={replace} />
          ))}
        </ul>
      )}
      {!users.loading && !users.error && <NewUserForm onCreated={add} />}
    </Page>
  );
}
