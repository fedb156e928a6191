/**
 * /api/v1/plex: the Plex library for signed-in users — libraries, a
 * library's items (paged), search, recently added, and the image proxy that
 * keeps the Plex token on the server. 503 NOT_CONFIGURED without PLEX_URL.
 */
import { libraryPageQuery, librarySearchQuery } from '@medianest/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { LibraryService } from './library.service';

const keyParams = z.object({ key: z.string().regex(/^\d{1,10}$/, 'key must be a Plex library key (a number)') });
const imageQuery = z.object({ path: z.string().min(1, 'path is required').max(200) });

export function plexRouter(library: LibraryService): Router {
  const router = Router();

  router.get(
    '/libraries',
    authed(async (_req, res: ApiRes<'GET /api/v1/plex/libraries'>) => {
      res.json({ libraries: await library.libraries() });
    }),
  );

  router.get(
    '/libraries/:key/items',
    authed(async (req, res: ApiRes<'GET /api/v1/plex/libraries/:key/items'>) => {
      const { key } = parse(keyParams, req.params, 'library key');
      const { page } = parse(libraryPageQuery, req.query, 'query');
      res.json(await library.items(key, page));
    }),
  );

  router.get(
    '/search',
    authed(async (req, res: ApiRes<'GET /api/v1/plex/search'>) => {
      const { q } = parse(librarySearchQuery, req.query, 'query');
      res.json({ results: await library.search(q) });
    }),
  );

  router.get(
    '/recently-added',
    authed(async (_req, res: ApiRes<'GET /api/v1/plex/recently-added'>) => {
      res.json({ items: await library.recentlyAdded() });
    }),
  );

  router.get(
    '/image',
    authed(async (req, res) => {
      const { path } = parse(imageQuery, req.query, 'query');
      const image = await library.image(path);
      res.set('Content-Type', image.contentType.startsWith('image/') ? image.contentType : 'application/octet-stream');
      res.set('Cache-Control', 'private, max-age=86400');
      res.send(image.bytes);
    }),
  );

  return router;
}
