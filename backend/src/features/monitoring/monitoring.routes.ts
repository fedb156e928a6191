/**
 * GET /api/v1/services/status (signed-in users): each service's current
 * status, last response time, last check and 24-hour uptime.
 * /api/v1/admin/services (admins): the extra URLs the service-health job
 * probes — list, add, change (name, url, enabled), remove.
 * Guards are route-level so the route template is known even on a 401/403.
 */
import { monitoredServiceCreateBody, monitoredServicePatchBody } from '@medianest/contracts';
import { Router } from 'express';
import { AppError } from '../../errors';
import { adminOnly, authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import { toPublicMonitoredService, type MonitoredServicesRepository } from './monitored-services.repository';
import type { ServiceStatusService } from './service-status.service';

function serviceId(raw: unknown): number {
  const id = Number(raw);
  if (!/^\d{1,9}$/.test(String(raw)) || id < 1) throw AppError.notFound('No such monitored service');
  return id;
}

export function monitoringRouter(status: ServiceStatusService): Router {
  const router = Router();
  router.get(
    '/status',
    authed(async (_req, res: ApiRes<'GET /api/v1/services/status'>) => {
      res.json({ services: await status.report() });
    }),
  );
  return router;
}

export function adminMonitoringRouter(monitored: MonitoredServicesRepository): Router {
  const router = Router();

  router.get(
    '/',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/services'>) => {
      res.json({ services: (await monitored.list()).map(toPublicMonitoredService) });
    }),
  );

  router.post(
    '/',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/services'>) => {
      const body = parse(monitoredServiceCreateBody, req.body);
      res.status(201).json({ service: toPublicMonitoredService(await monitored.create(body)) });
    }),
  );

  router.patch(
    '/:id',
    adminOnly(async (req, res: ApiRes<'PATCH /api/v1/admin/services/:id'>) => {
      const id = serviceId(req.params.id);
      const body = parse(monitoredServicePatchBody, req.body);
      const updated = await monitored.update(id, body);
      if (!updated) throw AppError.notFound('No such monitored service');
      res.json({ service: toPublicMonitoredService(updated) });
    }),
  );

  router.delete(
    '/:id',
    adminOnly(async (req, res) => {
      const id = serviceId(req.params.id);
      if (!(await monitored.delete(id))) throw AppError.notFound('No such monitored service');
      res.status(204).end();
    }),
  );

  return router;
}
