/**
 * The routes. Their paths are the route templates used as metric labels (the
 * backend allow-lists exactly these), so change them only together with it.
 */
import { Trans, useTranslation } from 'react-i18next';
import { createBrowserRouter, isRouteErrorResponse, Link, Outlet, useRouteError, type RouteObject } from 'react-router-dom';
import { errorMessage } from '../api/client';
import { DashboardPage } from '../pages/dashboard-page';
import { DiscoverPage } from '../pages/discover-page';
import { LibraryPage } from '../pages/library-page';
import { LibrarySectionPage } from '../pages/library-section-page';
import { LoginPage } from '../pages/login-page';
import { NotFoundPage } from '../pages/not-found-page';
import { RequestPage } from '../pages/request-page';
import { RequestsPage } from '../pages/requests-page';
import { performanceMonitor } from '../utils/performance-monitoring';
import { RequireAdmin, RequireUser, SessionLoading } from './guards';
import { AppLayout } from './layout';
import { registerRouteTemplates, templateOfMatches } from './route-template';
import { SessionProvider } from './session';

function RouteError() {
  const { t } = useTranslation('nav');
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : errorMessage(error);
  return (
    <main id="main" className="narrow">
      <h1>{t('routeError.title')}</h1>
      <div className="notice notice-error" role="alert">
        <p>{t('routeError.failed', { message })}</p>
      </div>
      <p>
        <Trans t={t} i18nKey="routeError.next" components={{ home: <Link to="/" />, reload: <a href={window.location.pathname} /> }} />
      </p>
    </main>
  );
}

function Root() {
  return (
    <SessionProvider>
      <Outlet />
    </SessionProvider>
  );
}

export const routes: RouteObject[] = [
  {
    id: 'root',
    element: <Root />,
    errorElement: <RouteError />,
    // Shown while a lazily loaded page's code arrives on a first visit (same frame as the session shell).
    hydrateFallbackElement: <SessionLoading />,
    children: [
      { id: 'login', path: '/login', element: <LoginPage /> },
      {
        id: 'reset-password',
        path: '/reset-password',
        lazy: async () => ({ Component: (await import('../pages/reset-password-page')).ResetPasswordPage }),
      },
      {
        id: 'app',
        element: (
          <RequireUser>
            <AppLayout />
          </RequireUser>
        ),
        children: [
          { id: 'dashboard', path: '/', element: <DashboardPage /> },
          { id: 'discover', path: '/discover', element: <DiscoverPage /> },
          { id: 'movie', path: '/movie/:tmdbId', lazy: async () => ({ Component: (await import('../pages/title-page')).MovieTitlePage }) },
          { id: 'tv', path: '/tv/:tmdbId', lazy: async () => ({ Component: (await import('../pages/title-page')).TvTitlePage }) },
          { id: 'requests', path: '/requests', element: <RequestsPage /> },
          { id: 'request', path: '/requests/:id', element: <RequestPage /> },
          { id: 'library', path: '/library', element: <LibraryPage /> },
          { id: 'problems', path: '/problems', lazy: async () => ({ Component: (await import('../pages/problems-page')).ProblemsPage }) },
          {
            id: 'report-problem',
            path: '/problems/new',
            lazy: async () => ({ Component: (await import('../pages/report-problem-page')).ReportProblemPage }),
          },
          { id: 'library-section', path: '/library/:key', element: <LibrarySectionPage /> },
          { id: 'status', path: '/status', lazy: async () => ({ Component: (await import('../pages/status-page')).StatusPage }) },
          { id: 'account', path: '/account', lazy: async () => ({ Component: (await import('../pages/account-page')).AccountPage }) },
          {
            id: 'notifications',
            path: '/notifications',
            lazy: async () => ({ Component: (await import('../pages/notifications-page')).NotificationsPage }),
          },
          {
            id: 'admin',
            element: <RequireAdmin />,
            children: [
              {
                id: 'admin-home',
                path: '/admin',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-home-page')).AdminHomePage }),
              },
              {
                id: 'admin-users',
                path: '/admin/users',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-users-page')).AdminUsersPage }),
              },
              {
                id: 'admin-requests',
                path: '/admin/requests',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-requests-page')).AdminRequestsPage }),
              },
              {
                id: 'admin-services',
                path: '/admin/services',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-services-page')).AdminServicesPage }),
              },
              {
                id: 'admin-notifications',
                path: '/admin/notifications',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-notifications-page')).AdminNotificationsPage }),
              },
              {
                id: 'admin-status',
                path: '/admin/status',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-status-page')).AdminStatusPage }),
              },
              {
                id: 'admin-playback',
                path: '/admin/playback',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-playback-page')).AdminPlaybackPage }),
              },
              {
                id: 'admin-ops',
                path: '/admin/ops',
                lazy: async () => ({ Component: (await import('../pages/admin/admin-ops-page')).AdminOpsPage }),
              },
            ],
          },
          { id: 'not-found', path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

/** Creates the router and feeds every route change to the performance monitor. */
export function createAppRouter() {
  registerRouteTemplates(routes);
  const router = createBrowserRouter(routes);
  let lastKey = router.state.location.key;
  performanceMonitor.routeChanged(templateOfMatches(router.state.matches));
  router.subscribe((state) => {
    if (state.navigation.state !== 'idle' && state.navigation.location && state.navigation.location.key !== lastKey) {
      performanceMonitor.navigationStarting();
    }
    if (state.location.key === lastKey) return;
    lastKey = state.location.key;
    performanceMonitor.routeChanged(templateOfMatches(state.matches));
  });
  return router;
}
