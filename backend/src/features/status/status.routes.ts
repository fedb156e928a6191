/**
 * /api/v1/status (signed-in members): the status page, and the banners every
 * page shows (`/notices`).
 * /api/v1/admin/status (admins): maintenance windows and announcements —
 * list, create, end now.
 */
import { announcementCreateBody, maintenanceCreateBody } from '@medianest/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { adminOnly, authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { StatusService } from './status.service';

const id = z.coerce.number().int().positive().max(2_147_483_647);

export function statusRouter(status: StatusService): Router {
  const router = Router();
  router.get(
    '/',
    authed(async (_req, res: ApiRes<'GET /api/v1/status'>) => {
      res.json(await status.page());
    }),
  );
  router.get(
    '/notices',
    authed(async (_req, res: ApiRes<'GET /api/v1/status/notices'>) => {
      res.json(await status.currentNotices());
    }),
  );
  return router;
}

export function adminStatusRouter(status: StatusService): Router {
  const router = Router();
  router.get(
    '/maintenance',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/status/maintenance'>) => {
      res.json({ maintenance: await status.listMaintenance() });
    }),
  );
  router.post(
    '/maintenance',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/status/maintenance'>, user) => {
      res.status(201).json({ maintenance: await status.createMaintenance(parse(maintenanceCreateBody, req.body), user.id) });
    }),
  );
  router.post(
    '/maintenance/:id/end',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/status/maintenance/:id/end'>) => {
      res.json({ maintenance: await status.endMaintenance(parse(id, req.params.id, 'maintenance window id')) });
    }),
  );
  router.get(
    '/announcements',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/status/announcements'>) => {
      res.json({ announcements: await status.listAnnouncements() });
    }),
  );
  router.post(
    '/announcements',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/status/announcements'>, user) => {
      res.status(201).json({ announcement: await status.createAnnouncement(parse(announcementCreateBody, req.body), user.id) });
    }),
  );
  router.post(
    '/announcements/:id/end',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/status/announcements/:id/end'>) => {
      res.json({ announcement: await status.endAnnouncement(parse(id, req.params.id, 'announcement id')) });
    }),
  );
  return router;
}
