/**
 * /api/v1/watchlist: the signed-in member's Plex watchlist, "Request all" and
 * their opt-in to automatic requests; /api/v1/admin/watchlist: the owner's
 * switch for automatic requests. Guards at route level.
 */
import { watchlistAutoRequestBody, watchlistOwnerSettingsBody } from '@medianest/contracts';
import { Router } from 'express';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import { requireAdmin, requireUser } from '../auth/middleware';
import type { WatchlistOwnerSettingsStore } from './owner-settings';
import type { WatchlistService } from './watchlist.service';

export function watchlistRouter(watchlist: WatchlistService): Router {
  const router = Router();

  router.get('/', requireUser, async (req, res: ApiRes<'GET /api/v1/watchlist'>) => {
    res.json(await watchlist.list(req.user!));
  });

  router.post('/request-all', requireUser, async (req, res: ApiRes<'POST /api/v1/watchlist/request-all'>) => {
    res.json(await watchlist.requestAll(req.user!));
  });

  router.patch('/auto-request', requireUser, async (req, res: ApiRes<'PATCH /api/v1/watchlist/auto-request'>) => {
    const body = parse(watchlistAutoRequestBody, req.body);
    res.json(await watchlist.setAutoRequest(req.user!, body.enabled));
  });

  return router;
}

export function adminWatchlistRouter(owner: WatchlistOwnerSettingsStore): Router {
  const router = Router();

  router.get('/', requireAdmin, async (_req, res: ApiRes<'GET /api/v1/admin/watchlist'>) => {
    res.json(await owner.get());
  });

  router.patch('/', requireAdmin, async (req, res: ApiRes<'PATCH /api/v1/admin/watchlist'>) => {
    const body = parse(watchlistOwnerSettingsBody, req.body);
    res.json(await owner.set(body, req.user!.id));
  });

  return router;
}
