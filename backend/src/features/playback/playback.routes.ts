/**
 * GET /api/v1/admin/playback (admins): every Plex stream now, with member,
 * title, player, progress, play decision and why, hardware or software,
 * quality in and out, bandwidth and LAN/WAN, and the totals.
 * GET /api/v1/playback/mine (members): their own streams only.
 * Live updates arrive over Socket.IO (`playback.updated`, `playback.mine`).
 */
import { Router } from 'express';
import type { ApiRes } from '../../http/api-response';
import { requireAdmin, requireUser } from '../auth/middleware';
import type { PlaybackService } from './playback.service';

export function adminPlaybackRouter(playback: PlaybackService): Router {
  const router = Router();
  router.get('/', requireAdmin, async (_req, res: ApiRes<'GET /api/v1/admin/playback'>) => {
    res.json(await playback.now());
  });
  return router;
}

export function playbackRouter(playback: PlaybackService): Router {
  const router = Router();
  router.get('/mine', requireUser, async (req, res: ApiRes<'GET /api/v1/playback/mine'>) => {
    res.json(await playback.mine(req.user!.id));
  });
  return router;
}
