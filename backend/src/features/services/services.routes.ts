/**
 * GET /api/v1/services/status (signed-in users): each service's current
 * status, last response time, last check and 24-hour uptime.
 * /api/v1/admin/services (admins): the extra URLs the service-health job
 * probes — list, add, change (name, url, enabled), remove.
 * Guards are route-level so the route template is known even on a 401/403.
 */
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { parse } from '../../http/validate';
import { requireAdmin, requireUser } from '../auth/middleware';
import { toPublicMonitoredService, type MonitoredServicesRepository } from './monitored-services.repository';
import type { ServiceStatusService } from './service-status.service';

const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const url = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

const createBody = z.object({ name, url, enabled: z.boolean().default(true) }).strict();
const patchBody = z
  .object({ name: name.optional(), url: url.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.url !== undefined || b.enabled !== undefined, 'give name, url or enabled');

function serviceId(raw: unknown): number {
  const id = Number(raw);
  if (!/^\d{1,9}$/.test(String(raw)) || id < 1) throw AppError.notFound('No such monitored service');
  return id;
}

export function servicesRouter(status: ServiceStatusService): Router {
  const router = Router();
  router.get('/status', requireUser, async (_req, res) => {
    res.json({ services: await status.report() });
  });
  return router;
}

export function adminServicesRouter(monitored: MonitoredServicesRepository): Router {
  const router = Router();

  router.get('/', requireAdmin, async (_req, res) => {
    res.json({ services: (await monitored.list()).map(toPublicMonitoredService) });
  });

  router.post('/', requireAdmin, async (req, res) => {
    const body = parse(createBody, req.body);
    res.status(201).json({ service: toPublicMonitoredService(await monitored.create(body)) });
  });

  router.patch('/:id', requireAdmin, async (req, res) => {
    const id = serviceId(req.params.id);
    const body = parse(patchBody, req.body);
    const updated = await monitored.update(id, body);
    if (!updated) throw AppError.notFound('No such monitored service');
    res.json({ service: toPublicMonitoredService(updated) });
  });

  router.delete('/:id', requireAdmin, async (req, res) => {
    const id = serviceId(req.params.id);
    if (!(await monitored.delete(id))) throw AppError.notFound('No such monitored service');
    res.status(204).end();
  });

  return router;
}
