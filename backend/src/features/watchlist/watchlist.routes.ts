/**
 * /api/v1/watchlist: the signed-in member's Plex watchlist, "Request all" and
 * their opt-in to automatic requests; /api/v1/admin/watchlist: the owner's
 * switch for automatic requests. Guards at route level. The watchlist is
 * revalidated by the member's browser (ETag → 304 while it is unchanged).
 */
import { watchlistAutoRequestBody, watchlistOwnerSettingsBody } from '@medianest/contracts';
import { Router } from 'express';
import { revalidatePrivately, type ApiRes } from '../../http/api-response';
import { adminOnly, authed } from '../../http/authed';
import { parse } from '../../http/validate';
import type { WatchlistOwnerSettingsStore } from './owner-settings';
import type { WatchlistService } from './watchlist.service';

export function watchlistRouter(watchlist: WatchlistService): Router {
  const router = Router();

  router.get(
    '/',
    authed(async (_req, res: ApiRes<'GET /api/v1/watchlist'>, user) => {
      const body = await watchlist.list(user);
      revalidatePrivately(res);
      res.json(body);
    }),
  );

  router.post(
    '/request-all',
    authed(async (_req, res: ApiRes<'POST /api/v1/watchlist/request-all'>, user) => {
      res.json(await watchlist.requestAll(user));
    }),
  );

  router.patch(
    '/auto-request',
    authed(async (req, res: ApiRes<'PATCH /api/v1/watchlist/auto-request'>, user) => {
      const body = parse(watchlistAutoRequestBody, req.body);
      res.json(await watchlist.setAutoRequest(user, body.enabled));
    }),
  );

  return router;
}

export function adminWatchlistRouter(owner: WatchlistOwnerSettingsStore): Router {
  const router = Router();

  router.get(
    '/',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/watchlist'>) => {
      res.json(await owner.get());
    }),
  );

  router.patch(
    '/',
    adminOnly(async (req, res: ApiRes<'PATCH /api/v1/admin/watchlist'>, admin) => {
      const body = parse(watchlistOwnerSettingsBody, req.body);
      res.json(await owner.set(body, admin.id));
    }),
  );

  return router;
}
