/**
 * /api/v1/media: search and details (proxied from Overseerr and marked for
 * the caller) and the caller's media requests. Signed-in users only; guards
 * at route level so the route template is known even on a 401.
 */
import { mediaRequestCreateBody, mediaRequestListQuery, mediaSearchQuery, titleParams } from '@medianest/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { adminOnly, authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { MediaService } from './media.service';
import type { RequestsService } from './requests.service';

const idParams = z.object({ id: z.coerce.number({ message: 'id must be a number' }).int().positive().max(2_147_483_647) });

export function mediaRouter(media: MediaService, requests: RequestsService): Router {
  const router = Router();

  router.get(
    '/search',
    authed(async (req, res: ApiRes<'GET /api/v1/media/search'>, user) => {
      const q = parse(mediaSearchQuery, req.query, 'query');
      res.json(await media.search(user, q.q, q.page));
    }),
  );

  router.get(
    '/requests',
    authed(async (req, res: ApiRes<'GET /api/v1/media/requests'>, user) => {
      const q = parse(mediaRequestListQuery, req.query, 'query');
      res.json(await requests.list(user, q));
    }),
  );

  // The caller's request quotas in Overseerr, shown beside the Request buttons.
  router.get(
    '/quota',
    authed(async (_req, res: ApiRes<'GET /api/v1/media/quota'>, user) => {
      res.json(await requests.quota(user));
    }),
  );

  router.post(
    '/requests',
    authed(async (req, res: ApiRes<'POST /api/v1/media/requests'>, user) => {
      const body = parse(mediaRequestCreateBody, req.body);
      const created = await requests.create(user, body);
      res.status(201).json({ request: created });
    }),
  );

  router.get(
    '/requests/:id',
    authed(async (req, res: ApiRes<'GET /api/v1/media/requests/:id'>, user) => {
      const { id } = parse(idParams, req.params, 'request id');
      res.json({ request: await requests.get(user, id) });
    }),
  );

  router.delete(
    '/requests/:id',
    authed(async (req, res: ApiRes<'DELETE /api/v1/media/requests/:id'>, user) => {
      const { id } = parse(idParams, req.params, 'request id');
      res.json({ request: await requests.cancel(user, id) });
    }),
  );

  // Administrators: send a stalled or failed request to Radarr/Sonarr again (Overseerr's retry).
  router.post(
    '/requests/:id/retry',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/media/requests/:id/retry'>, user) => {
      const { id } = parse(idParams, req.params, 'request id');
      res.json({ request: await requests.retry(user, id) });
    }),
  );

  // Last: /:type/:tmdbId would also match /requests/<id>.
  router.get(
    '/:type/:tmdbId',
    authed(async (req, res: ApiRes<'GET /api/v1/media/:type/:tmdbId'>, user) => {
      const p = parse(titleParams, req.params, 'path');
      res.json(await media.details(user, p.type, p.tmdbId));
    }),
  );

  return router;
}
