/**
 * Every page of the web app, by route template, and how the accessibility
 * audit opens it: the address (with real ids from the seeded data) and who
 * looks at it. The keys are the web app's route templates (SPA_ROUTES, which
 * a frontend test keeps equal to the router's paths) plus the catch-all, so
 * a new route fails to compile here until it is added, and the audit checks
 * at run time that no template is missing.
 */
import { OTHER_ROUTE, SPA_ROUTES } from '../src/observability/metrics/frontend-routes';

type SpaRoute = (typeof SPA_ROUTES)[number];

export type Visitor = 'anonymous' | 'member' | 'admin';

export interface AuditedPage {
  path: string;
  visitor: Visitor;
}

/** What the seeded data made, for the pages whose address carries an id or a token. */
export interface SeededPages {
  requestId: number;
  /** `/reset-password#<token>`: a one-time link an administrator made. */
  resetPath: string;
  libraryKey: string;
}

export function auditedPages(seeded: SeededPages): Record<SpaRoute | typeof OTHER_ROUTE, AuditedPage> {
  const member = (path: string): AuditedPage => ({ path, visitor: 'member' });
  const admin = (path: string): AuditedPage => ({ path, visitor: 'admin' });
  return {
    '/login': { path: '/login', visitor: 'anonymous' },
    '/reset-password': { path: seeded.resetPath, visitor: 'anonymous' },
    '/': member('/'),
    '/account': member('/account'),
    '/discover': member('/discover'),
    '/movie/:tmdbId': member('/movie/603'),
    '/tv/:tmdbId': member('/tv/1399'),
    '/requests': member('/requests'),
    '/requests/:id': member(`/requests/${seeded.requestId}`),
    '/library': member('/library'),
    '/library/:key': member(`/library/${seeded.libraryKey}`),
    '/problems': member('/problems'),
    '/problems/new': member('/problems/new?mediaType=movie&tmdbId=603&title=The%20Matrix'),
    '/notifications': member('/notifications'),
    '/status': member('/status'),
    '/admin': admin('/admin'),
    '/admin/users': admin('/admin/users'),
    '/admin/requests': admin('/admin/requests'),
    '/admin/services': admin('/admin/services'),
    '/admin/notifications': admin('/admin/notifications'),
    '/admin/status': admin('/admin/status'),
    '/admin/ops': admin('/admin/ops'),
    '/admin/playback': admin('/admin/playback'),
    [OTHER_ROUTE]: member('/no-such-page'),
  };
}

/** Templates of the web app the list leaves out (none, or the audit fails). */
export function unaudited(pages: Record<string, AuditedPage>): string[] {
  return [...SPA_ROUTES, OTHER_ROUTE].filter((template) => !(template in pages));
}

/** A file-name-safe name for a template: `/requests/:id` → `requests-id`, `/` → `dashboard`. */
export function screenshotName(template: string): string {
  if (template === '/') return 'dashboard';
  if (template === OTHER_ROUTE) return 'not-found';
  return template.replace(/^\//, '').replace(/[/:]+/g, '-');
}
