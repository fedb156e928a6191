/**
 * /admin/users: every account (GET /api/v1/admin/users), with role and
 * enabled changed in place (PATCH /api/v1/admin/users/:id), new local accounts
 * (POST /api/v1/admin/users) and one-time password links for local accounts
 * (POST /api/v1/admin/users/:id/password-reset) to hand to the member.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { useUser } from '../../app/session';
import { NewUserForm } from '../../components/admin/new-user-form';
import { UserRow } from '../../components/admin/user-row';
import { EmptyState, ErrorMessage, SkeletonRows } from '../../components/feedback';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';

export function AdminUsersPage() {
  const { t } = useTranslation('admin');
  const me = useUser();
  const users = useApiData(async (signal) => (await api.get('/api/v1/admin/users', undefined, signal)).users, []);
  const replace = (u: User) => users.setData((list) => list?.map((x) => (x.id === u.id ? u : x)));
  const add = (u: User) => users.setData((list) => [...(list ?? []), u]);

  return (
    <Page title={t('home.tools.users.title')} ready={!users.loading} back={<Link to="/admin">← {t('home.title')}</Link>}>
      {users.loading ? (
        <SkeletonRows count={4} label={t('users.loading')} />
      ) : users.error ? (
        <ErrorMessage message={users.error} onRetry={users.reload} />
      ) : !users.data || users.data.length === 0 ? (
        <EmptyState>{t('users.none')}</EmptyState>
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
