/**
 * The API route templates this server has matched (fed by the HTTP metrics
 * middleware). The set is bounded by the app's routes — only Express route
 * matches add to it, never client input — so browser-reported API timings can
 * be labelled with a real template or `other` without a hand-kept list that
 * drifts from the routers.
 */
import { matchTemplate, OTHER_ROUTE } from './frontend-routes';

const MAX_TEMPLATES = 1_000;
const templates = new Set<string>();

export function rememberRouteTemplate(template: string): void {
  if (templates.size >= MAX_TEMPLATES || templates.has(template) || !template.startsWith('/api/')) return;
  templates.add(template);
}

/** The API route template for a browser-reported endpoint (template or concrete path), or `other`. */
export function apiEndpointLabel(raw: string): string {
  return matchTemplate(raw, templates) ?? OTHER_ROUTE;
}
