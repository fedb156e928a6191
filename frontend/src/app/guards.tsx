/**
 * Route guards: signed-out visitors go to /login (and come back afterwards);
 * admin pages tell non-admins they cannot see them.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { ErrorMessage, SkeletonRows } from '../components/feedback';
import { Page } from '../components/page';
import { useSession } from './session';
import './layout.css';

/** The shell shown while the session loads: same header height, so nothing jumps. */
export function SessionLoading() {
  const { t } = useTranslation('nav');
  return (
    <>
      <header className="site-header">
        <div className="header-bar">
          <span className="brand">
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>MediaNest</span>
          </span>
        </div>
      </header>
      <main id="main">
        <SkeletonRows count={3} label={t('loadingSession')} />
      </main>
    </>
  );
}

export function RequireUser({ children }: { children: ReactNode }) {
  const { session, retry } = useSession();
  const location = useLocation();
  switch (session.status) {
    case 'loading':
      return <SessionLoading />;
    case 'error':
      return (
        <main id="main" className="narrow">
          <h1>MediaNest</h1>
          <ErrorMessage message={session.message} onRetry={retry} />
        </main>
      );
    case 'anonymous': {
      const from = location.pathname + location.search;
      return <Navigate to="/login" replace state={{ from, expired: session.expired }} />;
    }
    case 'signed-in':
      return <>{children}</>;
  }
}

export function RequireAdmin() {
  const { t } = useTranslation('nav');
  const { session } = useSession();
  if (session.status === 'signed-in' && session.user.role !== 'admin') {
    return (
      <Page title={t('adminOnly.title')} ready>
        <ErrorMessage message={t('adminOnly.message')} />
      </Page>
    );
  }
  return <Outlet />;
}
