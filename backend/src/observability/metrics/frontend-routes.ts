/**
 * The route templates of the web app (frontend/src routes), the only `route`
 * label values browser metrics may carry besides `other`. The frontend
 * mirrors this list; a browser may send either the template or the concrete
 * path (`/requests/42` becomes `/requests/:id`).
 */
export const SPA_ROUTES = [
  '/',
  '/login',
  '/reset-password',
  '/account',
  '/discover',
  '/movie/:tmdbId',
  '/tv/:tmdbId',
  '/requests',
  '/requests/:id',
  '/library',
  '/library/:key',
  '/problems',
  '/problems/new',
  '/notifications',
  '/status',
  '/admin',
  '/admin/users',
  '/admin/requests',
  '/admin/services',
  '/admin/notifications',
  '/admin/status',
  '/admin/ops',
  '/admin/playback',
] as const;

/** The label value for any route or endpoint that is not a known template. */
export const OTHER_ROUTE = 'other';

const SEGMENT = /^[A-Za-z0-9._~%@:+-]{1,200}$/;

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/**
 * The template among `templates` that `raw` is, or matches as a concrete path
 * (`:param` segments match one path segment); undefined when none does.
 * Query strings and fragments are ignored.
 */
export function matchTemplate(raw: string, templates: Iterable<string>): string | undefined {
  const path = raw.split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/')) return undefined;
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
  const list = [...templates];
  if (list.includes(normalized)) return normalized;
  const parts = segments(normalized);
  let best: { template: string; params: number } | undefined;
  for (const template of list) {
    const expected = segments(template);
    if (expected.length !== parts.length) continue;
    const matches = expected.every((e, i) => (e.startsWith(':') ? SEGMENT.test(parts[i]!) : e === parts[i]));
    if (!matches) continue;
    // The most literal template wins: /admin/users over /admin/:section.
    const params = expected.filter((e) => e.startsWith(':')).length;
    if (!best || params < best.params) best = { template, params };
  }
  return best?.template;
}

/** The SPA route template for a browser-reported route, or `other`. */
export function spaRouteLabel(raw: string): string {
  return matchTemplate(raw, SPA_ROUTES) ?? OTHER_ROUTE;
}
