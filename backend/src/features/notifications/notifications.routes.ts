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
import { adminOnly, authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { ChannelsService } from './channels.service';
import type { Notifications } from './create-notifications';

const id = z.coerce.number().int().positive().max(2_147_483_647);
const idParam = (value: unknown, what: string) => parse(id, value, what);

export function adminNotificationsRouter(channels: ChannelsService): Router {
  const router = Router();
  router.get(
    '/channels',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/notifications/channels'>) => {
      res.json({ channels: await channels.listChannels() });
    }),
  );
  router.post(
    '/channels',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/notifications/channels'>) => {
      res.status(201).json({ channel: await channels.createChannel(parse(channelBody, req.body)) });
    }),
  );
  router.patch(
    '/channels/:id',
    adminOnly(async (req, res: ApiRes<'PATCH /api/v1/admin/notifications/channels/:id'>) => {
      res.json({ channel: await channels.updateChannel(idParam(req.params.id, 'channel id'), parse(channelBody, req.body)) });
    }),
  );
  router.delete(
    '/channels/:id',
    adminOnly(async (req, res) => {
      await channels.deleteChannel(idParam(req.params.id, 'channel id'));
      res.status(204).end();
    }),
  );
  router.post(
    '/channels/:id/test',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/notifications/channels/:id/test'>, user) => {
      res.json({ result: await channels.sendTest(idParam(req.params.id, 'channel id'), user) });
    }),
  );
  return router;
}

export function notificationsRouter({ preferences, follows, push }: Pick<Notifications, 'preferences' | 'follows' | 'push'>): Router {
  const router = Router();
  router.get(
    '/preferences',
    authed(async (_req, res: ApiRes<'GET /api/v1/notifications/preferences'>, user) => {
      res.json(await preferences.forMember(user));
    }),
  );
  router.patch(
    '/preferences/:channelId',
    authed(async (req, res: ApiRes<'PATCH /api/v1/notifications/preferences/:channelId'>, user) => {
      const body = parse(preferenceBody, req.body);
      res.json(await preferences.setPreference(user, idParam(req.params.channelId, 'channel id'), body.events, body.address ?? null));
    }),
  );
  // Someone else's request is followed by naming its title (as "Already requested" on Discover does), so
  // request ids cannot be walked to list what everyone asked for. Registered before /follows/:requestId.
  const title = (params: unknown) => parse(titleParams, params, 'path');
  router.get(
    '/follows/title/:type/:tmdbId',
    authed(async (req, res: ApiRes<'GET /api/v1/notifications/follows/title/:type/:tmdbId'>, user) => {
      res.json(await follows.titleFollowState(user, title(req.params)));
    }),
  );
  router.post(
    '/follows/title/:type/:tmdbId',
    authed(async (req, res: ApiRes<'POST /api/v1/notifications/follows/title/:type/:tmdbId'>, user) => {
      res.json(await follows.followTitle(user, title(req.params), true));
    }),
  );
  router.delete(
    '/follows/title/:type/:tmdbId',
    authed(async (req, res: ApiRes<'DELETE /api/v1/notifications/follows/title/:type/:tmdbId'>, user) => {
      res.json(await follows.followTitle(user, title(req.params), false));
    }),
  );
  router.get(
    '/follows/:requestId',
    authed(async (req, res: ApiRes<'GET /api/v1/notifications/follows/:requestId'>, user) => {
      res.json(await follows.followState(user, idParam(req.params.requestId, 'request id')));
    }),
  );
  router.post(
    '/follows/:requestId',
    authed(async (req, res: ApiRes<'POST /api/v1/notifications/follows/:requestId'>, user) => {
      res.json(await follows.follow(user, idParam(req.params.requestId, 'request id'), true));
    }),
  );
  router.delete(
    '/follows/:requestId',
    authed(async (req, res: ApiRes<'DELETE /api/v1/notifications/follows/:requestId'>, user) => {
      res.json(await follows.follow(user, idParam(req.params.requestId, 'request id'), false));
    }),
  );
  // The link in the confirmation e-mail: opened in the browser, signed in as the member it was sent for.
  router.get(
    '/addresses/confirm',
    authed(async (req, res, user) => {
      await preferences.confirmAddress(user, parse(z.string().min(20).max(100), req.query.token, 'token'));
      res.redirect(303, '/notifications?address=confirmed');
    }),
  );
  router.get(
    '/push',
    authed(async (_req, res: ApiRes<'GET /api/v1/notifications/push'>, user) => {
      res.json(await push.pushState(user));
    }),
  );
  router.post(
    '/push/subscriptions',
    authed(async (req, res: ApiRes<'POST /api/v1/notifications/push/subscriptions'>, user) => {
      res.status(201).json(await push.subscribePush(user, parse(pushSubscriptionBody, req.body)));
    }),
  );
  router.post(
    '/push/unsubscribe',
    authed(async (req, res: ApiRes<'POST /api/v1/notifications/push/unsubscribe'>, user) => {
      res.json(await push.unsubscribePush(user, parse(pushUnsubscribeBody, req.body).endpoint));
    }),
  );
  router.delete(
    '/push/subscriptions/:id',
    authed(async (req, res: ApiRes<'DELETE /api/v1/notifications/push/subscriptions/:id'>, user) => {
      res.json(await push.removePushDevice(user, idParam(req.params.id, 'device id')));
    }),
  );
  return router;
}
