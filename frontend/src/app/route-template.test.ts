/** Route templates: the app's routes are exactly the templates the backend accepts as metric labels. */
import { describe, expect, it } from 'vitest';
import { OTHER_ROUTE, SPA_ROUTES } from '../../../backend/src/observability/metrics/frontend-routes';
import { registeredTemplates, registerRouteTemplates, templateOfMatches } from './route-template';
import { routes } from './router';

describe('route templates', () => {
  registerRouteTemplates(routes);

  it('are the templates the backend allow-lists, plus its label for unknown routes', () => {
    expect([...registeredTemplates()].sort()).toEqual([...SPA_ROUTES, OTHER_ROUTE].sort());
  });

  it('name the deepest matched route, never the path', () => {
    expect(templateOfMatches([{ route: { id: 'root' } }, { route: { id: 'app' } }, { route: { id: 'request' } }])).toBe('/requests/:id');
    expect(
      templateOfMatches([{ route: { id: 'root' } }, { route: { id: 'app' } }, { route: { id: 'admin' } }, { route: { id: 'admin-ops' } }]),
    ).toBe('/admin/ops');
    expect(templateOfMatches([{ id: 'root' }, { id: 'app' }, { id: 'not-found' }])).toBe(OTHER_ROUTE);
    expect(templateOfMatches([])).toBe(OTHER_ROUTE);
  });
});
