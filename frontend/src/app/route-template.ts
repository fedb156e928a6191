/**
 * Route templates (`/requests/:id`) for matched routes: the one label the web
 * app uses for its metrics. Filled from the router's own route objects, so
 * the templates are exactly the paths the routes are declared with.
 */
import { useMatches } from 'react-router-dom';
import { UNKNOWN_ROUTE } from '../utils/performance-monitoring';

interface RouteLike {
  id?: string;
  path?: string;
  children?: RouteLike[];
}

const templateByRouteId = new Map<string, string>();

function join(parent: string, path: string | undefined): string {
  if (path === undefined || path === '') return parent;
  if (path.startsWith('/')) return path;
  return `${parent.replace(/\/$/, '')}/${path}`;
}

/** Records the full template of every route (call with the router's routes). */
export function registerRouteTemplates(routes: readonly RouteLike[], parent = ''): void {
  for (const route of routes) {
    const template = join(parent, route.path);
    if (route.id) templateByRouteId.set(route.id, route.path === '*' || template.endsWith('/*') ? UNKNOWN_ROUTE : template || '/');
    if (route.children) registerRouteTemplates(route.children, template);
  }
}

/** Every registered template (the labels this app can send). */
export function registeredTemplates(): Set<string> {
  return new Set(templateByRouteId.values());
}

/** The template of the deepest match, e.g. '/requests/:id'; 'other' for the catch-all. */
export function templateOfMatches(matches: readonly { id?: string; route?: { id?: string } }[]): string {
  const leaf = matches[matches.length - 1];
  const id = leaf?.route?.id ?? leaf?.id;
  return (id && templateByRouteId.get(id)) || UNKNOWN_ROUTE;
}

export function useRouteTemplate(): string {
  return templateOfMatches(useMatches());
}
