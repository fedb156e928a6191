/**
 * /api/v1/media: search and details (proxied from Overseerr and marked for
 * the caller) and the caller's media requests. Signed-in users only; guards
 * at route level so the route template is known even on a 401.
 */
import { mediaRequestCreateBody, mediaRequestListQuery, mediaSearchQuery, titleParams } from '@medianest/contracts';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import { requireAdmin, requireUser } from '../auth/middleware';
import type { MediaService } from './media.service';
import type { RequestsService } from './requests.service';

const idParams = z.object({ id: z.coerce.number({ message: 'id must be a number' }).int().positive().max(2_147_483_647) });

export function mediaRouter(media: MediaService, requests: RequestsService): Router {
  const router = Router();

  router.get('/search', requireUser, async (req, res: ApiRes<'GET /api/v1/media/search'>) => {
    const q = parse(mediaSearchQuery, req.query, 'query');
    res.json(await media.search(req.user!, q.q, q.page));
  });

  router.get('/requests', requireUser, async (req, res: ApiRes<'GET /api/v1/media/requests'>) => {
    const q = parse(mediaRequestListQuery, req.query, 'query');
    res.json(await requests.list(req.user!, q));
  });

  // The caller's request quotas in Overseerr, shown beside the Request buttons.
  router.get('/quota', requireUser, async (req, res: ApiRes<'GET /api/v1/media/quota'>) => {
    res.json(await requests.quota(req.user!));
  });

  router.post('/requests', requireUser, async (req, res: ApiRes<'POST /api/v1/media/requests'>) => {
    const body = parse(mediaRequestCreateBody, req.body);
    const created = await requests.create(req.user!, body);
    res.status(201).json({ request: created });
  });

  router.get('/requests/:id', requireUser, async (req, res: ApiRes<'GET /api/v1/media/requests/:id'>) => {
    const { id } = parse(idParams, req.params, 'request id');
    res.json({ request: await requests.get(req.user!, id) });
  });

  router.delete('/requests/:id', requireUser, async (req, res: ApiRes<'DELETE /api/v1/media/requests/:id'>) => {
    const { id } = parse(idParams, req.params, 'request id');
    res.json({ request: await requests.cancel(req.user!, id) });
  });

  // Administrators: send a stalled or failed request to Radarr/Sonarr again (Overseerr's retry).
  router.post('/requests/:id/retry', requireAdmin, async (req, res: ApiRes<'POST /api/v1/media/requests/:id/retry'>) => {
    const { id } = parse(idParams, req.params, 'request id');
    res.json({ request: await requests.retry(req.user!, id) });
  });

  // Last: /:type/:tmdbId would also match /requests/<id>.
  router.get('/:type/:tmdbId', requireUser, async (req, res: ApiRes<'GET /api/v1/media/:type/:tmdbId'>) => {
    const p = parse(titleParams, req.params, 'path');
    res.json(await media.details(req.user!, p.type, p.tmdbId));
  });

  return router;
}
