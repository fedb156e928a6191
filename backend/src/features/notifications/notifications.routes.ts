/**
 * /api/v1/admin/notifications: channels (list, create, change, delete, send a test) — admins only.
 * /api/v1/notifications: a member's choices per channel, "notify me too" on a request, and the
 * browsers they subscribed to Web Push.
 */
import {
  notificationChannelBody as channelBody,
  notificationPreferenceBody as preferenceBody,
  pushSubscriptionBody,
  pushUnsubscribeBody,
  titleParams,
} from '@medianest/contracts';
import { Router } from 'express';
import { z } from 'zod';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import { requireAdmin, requireUser } from '../auth/middleware';
import type { ChannelsService } from './channels.service';
import type { Notifications } from './create-notifications';

const id = z.coerce.number().int().positive().max(2_147_483_647);
const idParam = (value: unknown, what: string) => parse(id, value, what);

export function adminNotificationsRouter(channels: ChannelsService): Router {
  const router = Router();
  router.get('/channels', requireAdmin, async (_req, res: ApiRes<'GET /api/v1/admin/notifications/channels'>) => {
    res.json({ channels: await channels.listChannels() });
  });
  router.post('/channels', requireAdmin, async (req, res: ApiRes<'POST /api/v1/admin/notifications/channels'>) => {
    res.status(201).json({ channel: await channels.createChannel(parse(channelBody, req.body)) });
  });
  router.patch('/channels/:id', requireAdmin, async (req, res: ApiRes<'PATCH /api/v1/admin/notifications/channels/:id'>) => {
    res.json({ channel: await channels.updateChannel(idParam(req.params.id, 'channel id'), parse(channelBody, req.body)) });
  });
  router.delete('/channels/:id', requireAdmin, async (req, res) => {
    await channels.deleteChannel(idParam(req.params.id, 'channel id'));
    res.status(204).end();
  });
  router.post('/channels/:id/test', requireAdmin, async (req, res: ApiRes<'POST /api/v1/admin/notifications/channels/:id/test'>) => {
    res.json({ result: await channels.sendTest(idParam(req.params.id, 'channel id'), req.user!) });
  });
  return router;
}

export function notificationsRouter({ preferences, follows, push }: Pick<Notifications, 'preferences' | 'follows' | 'push'>): Router {
  const router = Router();
  router.get('/preferences', requireUser, async (req, res: ApiRes<'GET /api/v1/notifications/preferences'>) => {
    res.json(await preferences.forMember(req.user!));
  });
  router.patch('/preferences/:channelId', requireUser, async (req, res: ApiRes<'PATCH /api/v1/notifications/preferences/:channelId'>) => {
    const body = parse(preferenceBody, req.body);
    res.json(await preferences.setPreference(req.user!, idParam(req.params.channelId, 'channel id'), body.events, body.address ?? null));
  });
  // Someone else's request is followed by naming its title (as "Already requested" on Discover does), so
  // request ids cannot be walked to list what everyone asked for. Registered before /follows/:requestId.
  const title = (params: unknown) => parse(titleParams, params, 'path');
  router.get(
    '/follows/title/:type/:tmdbId',
    requireUser,
    async (req, res: ApiRes<'GET /api/v1/notifications/follows/title/:type/:tmdbId'>) => {
      res.json(await follows.titleFollowState(req.user!, title(req.params)));
    },
  );
  router.post(
    '/follows/title/:type/:tmdbId',
    requireUser,
    async (req, res: ApiRes<'POST /api/v1/notifications/follows/title/:type/:tmdbId'>) => {
      res.json(await follows.followTitle(req.user!, title(req.params), true));
    },
  );
  router.delete(
    '/follows/title/:type/:tmdbId',
    requireUser,
    async (req, res: ApiRes<'DELETE /api/v1/notifications/follows/title/:type/:tmdbId'>) => {
      res.json(await follows.followTitle(req.user!, title(req.params), false));
    },
  );
  router.get('/follows/:requestId', requireUser, async (req, res: ApiRes<'GET /api/v1/notifications/follows/:requestId'>) => {
    res.json(await follows.followState(req.user!, idParam(req.params.requestId, 'request id')));
  });
  router.post('/follows/:requestId', requireUser, async (req, res: ApiRes<'POST /api/v1/notifications/follows/:requestId'>) => {
    res.json(await follows.follow(req.user!, idParam(req.params.requestId, 'request id'), true));
  });
  router.delete('/follows/:requestId', requireUser, async (req, res: ApiRes<'DELETE /api/v1/notifications/follows/:requestId'>) => {
    res.json(await follows.follow(req.user!, idParam(req.params.requestId, 'request id'), false));
  });
  // The link in the confirmation e-mail: opened in the browser, signed in as the member it was sent for.
  router.get('/addresses/confirm', requireUser, async (req, res) => {
    await preferences.confirmAddress(req.user!, parse(z.string().min(20).max(100), req.query.token, 'token'));
    res.redirect(303, '/notifications?address=confirmed');
  });
  router.get('/push', requireUser, async (req, res: ApiRes<'GET /api/v1/notifications/push'>) => {
    res.json(await push.pushState(req.user!));
  });
  router.post('/push/subscriptions', requireUser, async (req, res: ApiRes<'POST /api/v1/notifications/push/subscriptions'>) => {
    res.status(201).json(await push.subscribePush(req.user!, parse(pushSubscriptionBody, req.body)));
  });
  router.post('/push/unsubscribe', requireUser, async (req, res: ApiRes<'POST /api/v1/notifications/push/unsubscribe'>) => {
    res.json(await push.unsubscribePush(req.user!, parse(pushUnsubscribeBody, req.body).endpoint));
  });
  router.delete('/push/subscriptions/:id', requireUser, async (req, res: ApiRes<'DELETE /api/v1/notifications/push/subscriptions/:id'>) => {
    res.json(await push.removePushDevice(req.user!, idParam(req.params.id, 'device id')));
  });
  return router;
}
