/**
 * /api/v1/discover: the rows of the Discover page, one page of a row at a
 * time, and title pages with their recommendations and similar titles — all
 * read from Overseerr as the signed-in member. Bad row names, ids or pages
 * are a 400 naming the problem; an Overseerr outage a 503. The rows are
 * revalidated by the member's browser (ETag → 304 while they are unchanged).
 */
import { discoverRowParams, titleListParams, titleListQuery, titleParams } from '@medianest/contracts';
import { Router } from 'express';
import { revalidatePrivately, type ApiRes } from '../../http/api-response';
import { authed } from '../../http/authed';
import { parse } from '../../http/validate';
import type { DiscoverService } from './discover.service';
import type { TitleService } from './title.service';

export function discoverRouter(discover: DiscoverService, titles: TitleService): Router {
  const router = Router();

  router.get(
    '/rows',
    authed(async (_req, res: ApiRes<'GET /api/v1/discover/rows'>, user) => {
      const body = await discover.rows(user);
      revalidatePrivately(res);
      res.json(body);
    }),
  );

  router.get(
    '/rows/:row',
    authed(async (req, res: ApiRes<'GET /api/v1/discover/rows/:row'>, user) => {
      const { row } = parse(discoverRowParams, req.params, 'path');
      const { page } = parse(titleListQuery, req.query, 'query');
      const body = await discover.row(user, row, page);
      revalidatePrivately(res);
      res.json(body);
    }),
  );

  router.get(
    '/titles/:type/:tmdbId',
    authed(async (req, res: ApiRes<'GET /api/v1/discover/titles/:type/:tmdbId'>, user) => {
      const p = parse(titleParams, req.params, 'path');
      res.json(await titles.details(user, p.type, p.tmdbId));
    }),
  );

  router.get(
    '/titles/:type/:tmdbId/:list',
    authed(async (req, res: ApiRes<'GET /api/v1/discover/titles/:type/:tmdbId/:list'>, user) => {
      const p = parse(titleListParams, req.params, 'path');
      const { page } = parse(titleListQuery, req.query, 'query');
      res.json(await discover.related(user, p.type, p.tmdbId, p.list, page));
    }),
  );

  return router;
}
