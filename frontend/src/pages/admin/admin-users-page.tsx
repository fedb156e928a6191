/**
 * /admin/users: every account (GET /api/v1/admin/users), with role and
 * enabled changed in place (PATCH /api/v1/admin/users/:id).
 */
import { useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, messageOf } from '../../api/client';
import { objects } from '../../api/read';
import { readUser, readUserResponse, type Role, type User } from '../../api/types';
import { useUser } from '../../app/session';
import { EmptyState, ErrorMessage, SkeletonRows } from '../../components/feedback';
import { formatAgo } from '../../components/format';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';

function UserRow({ user, isSelf, onChange }: { user: User; isSelf: boolean; onChange: (u: User) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const roleId = useId();

  const patch = async (change: { role?: Role; enabled?: boolean }) => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = readUserResponse(await api.patch<unknown>('/api/v1/admin/users/:id', change, { id: user.id }));
      onChange(updated ?? { ...user, ...change });
    } catch (err) {
      setError(messageOf(err));
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
        {!user.enabled && <span className="badge badge-muted">Disabled</span>}
      </span>
    </li>
  );
}

export function AdminUsersPage() {
  const me = useUser();
  const users = useApiData(
    async (signal) =>
      objects(await api.get<unknown>('/api/v1/admin/users', undefined, signal), 'users')
        .map(readUser)
        .filter((u): u is User => u !== undefined),
    [],
  );
  const replace = (u: User) => users.setData((list) => list?.map((x) => (x.id === u.id ? u : x)));

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
    </Page>
  );
}
