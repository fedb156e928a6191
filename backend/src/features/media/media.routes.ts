/**
 * /api/v1/media: search and details (proxied from Overseerr and marked for
 * the caller) and the caller's media requests. Signed-in users only; guards
 * at route level so the route template is known even on a 401.
 */
import { Router } from 'express';
import { z } from 'zod';
import { mediaTypes, requestStatuses } from '../../db/schema';
import { parse } from '../../http/validate';
import { requireAdmin, requireUser } from '../auth/middleware';
import type { MediaService } from './media.service';
import type { RequestsService } from './requests.service';

const searchQuery = z.object({
  q: z.string().trim().min(1, 'q (what to search for) is required').max(100, 'q is at most 100 characters'),
  page: z.coerce.number().int().min(1).max(500).default(1),
});

const detailsParams = z.object({
  type: z.enum(mediaTypes, { message: 'type must be movie or tv' }),
  tmdbId: z.coerce.number({ message: 'tmdbId must be a number' }).int().positive('tmdbId must be a positive number').max(2_147_483_647),
});

const createBody = z
  .object({
    mediaType: z.enum(mediaTypes, { message: 'mediaType must be movie or tv' }),
    tmdbId: z.number({ message: 'tmdbId must be a number' }).int().positive().max(2_147_483_647),
    seasons: z
      .array(z.number().int().min(0).max(1000))
      .min(1, 'seasons, when given, lists at least one season')
      .max(200)
      .refine((s) => new Set(s).size === s.length, 'seasons must not repeat')
      .optional(),
  })
  .strict()
  .refine((b) => b.mediaType === 'tv' || b.seasons === undefined, { message: 'seasons only apply to tv', path: ['seasons'] });

const listQuery = z.object({
  status: z.enum(requestStatuses).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const idParams = z.object({ id: z.coerce.number({ message: 'id must be a number' }).int().positive().max(2_147_483_647) });

export function mediaRouter(media: MediaService, requests: RequestsService): Router {
  const router = Router();

  router.get('/search', requireUser, async (req, res) => {
    const q = parse(searchQuery, req.query, 'query');
    res.json(await media.search(req.user!, q.q, q.page));
  });

  router.get('/requests', requireUser, async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    res.json(await requests.list(req.user!, q));
  });

  router.post('/requests', requireUser, async (req, res) => {
    const body = parse(createBody, req.body);
    const created = await requests.create(req.user!, body);
    res.status(201).json({ request: created });
  });

  router.get('/requests/:id', requireUser, async (req, res) => {
    const { id } = parse(idParams, req.params, 'request id');
    res.json({ request: await requests.get(req.user!, id) });
  });

  router.delete('/requests/:id', requireUser, async (req, res) => {
    const { id } = parse(idParams, req.params, 'request id');
    res.json({ request: await requests.cancel(req.user!, id) });
  });

  // Administrators: send a stalled or failed request to Radarr/Sonarr again (Overseerr's retry).
  router.post('/requests/:id/retry', requireAdmin, async (req, res) => {
    const { id } = parse(idParams, req.params, 'request id');
    res.json({ request: await requests.retry(req.user!, id) });
  });

  // Last: /:type/:tmdbId would also match /requests/<id>.
  router.get('/:type/:tmdbId', requireUser, async (req, res) => {
    const p = parse(detailsParams, req.params, 'path');
    res.json(await media.details(req.user!, p.type, p.tmdbId));
  });

  return router;
}
