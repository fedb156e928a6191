/**
 * GET /api/v1/admin/playback (admins): every Plex stream now, with member,
 * title, player, progress, play decision and why, hardware or software,
 * quality in and out, bandwidth and LAN/WAN, and the totals.
 * GET /api/v1/playback/mine (members): their own streams only.
 * GET /api/v1/admin/playback/history?days=7 (admins): the plays of the last
 * days with who, what, where, how and how long, top titles and plays per member.
 * GET /api/v1/playback/history?days=7 (members): their own plays.
 * Live updates arrive over Socket.IO (`playback.updated`, `playback.mine`).
 */
import { playbackHistoryQuery } from '@medianest/contracts';
import { Router } from 'express';
import { adminOnly, authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { PlaybackHistoryService } from './playback-history';
import type { PlaybackService } from './playback.service';

export function adminPlaybackRouter(playback: PlaybackService, history: PlaybackHistoryService): Router {
  const router = Router();
  router.get(
    '/history',
    adminOnly(async (req, res: ApiRes<'GET /api/v1/admin/playback/history'>) => {
      const { days } = parse(playbackHistoryQuery, req.query, 'query');
      res.json(await history.forAdmin(days));
    }),
  );
  router.get(
    '/',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/playback'>) => {
      res.json(await playback.now());
    }),
  );
  return router;
}

export function playbackRouter(playback: PlaybackService, history: PlaybackHistoryService): Router {
  const router = Router();
  router.get(
    '/history',
    authed(async (req, res: ApiRes<'GET /api/v1/playback/history'>, user) => {
      const { days } = parse(playbackHistoryQuery, req.query, 'query');
      res.json(await history.forMember(user.id, days));
    }),
  );
  router.get(
    '/mine',
    authed(async (_req, res: ApiRes<'GET /api/v1/playback/mine'>, user) => {
      res.json(await playback.mine(user.id));
    }),
  );
  return router;
}
