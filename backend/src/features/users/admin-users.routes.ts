/**
 * /api/v1/admin/users: list users, change role or enabled (admins only).
 * Guards are route-level so the route template is known (for metrics and logs) even on a 401/403.
 */
import { Router } from 'express';
import { z } from 'zod';
import { userRoles } from '../../db/schema';
import { AppError } from '../../errors';
import { parse } from '../../http/validate';
import { requireAdmin } from '../auth/middleware';
import type { SessionStore } from '../auth/sessions';
import { toPublicUser, type UsersRepository } from './users.repository';

const patchBody = z
  .object({ role: z.enum(userRoles).optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.enabled !== undefined, 'give role or enabled');

export function adminUsersRouter(users: UsersRepository, sessions: SessionStore): Router {
  const router = Router();

  router.get('/', requireAdmin, async (_req, res) => {
    res.json({ users: (await users.list()).map(toPublicUser) });
  });

  router.patch('/:id', requireAdmin, async (req, res) => {
    const body = parse(patchBody, req.body);
    const id = String(req.params.id);
    const target = await users.findById(id);
    if (!target) throw AppError.notFound('No such user');
    if (target.id === req.user!.id && (body.role === 'user' || body.enabled === false)) {
      throw AppError.badRequest('You cannot demote or disable your own account');
    }
    const updated = await users.update(id, body);
    if (body.enabled === false) await sessions.revokeAllForUser(id);
    res.json({ user: toPublicUser(updated!) });
  });

  return router;
}
