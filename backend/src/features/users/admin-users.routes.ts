/**
 * /api/v1/admin/users: list users, create local accounts, change role or
 * enabled, and make one-time password reset links (admins only; the rules are
 * in admin-users.service.ts).
 * Guards are route-level so the route template is known (for metrics and logs) even on a 401/403.
 */
import { adminUserCreateBody, adminUserPatchBody, type ResetLink } from '@medianest/contracts';
import type { Request } from 'express';
import { Router } from 'express';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import { requireAdmin } from '../auth/middleware';
import type { IssuedReset } from '../auth/password-resets';
import type { AdminUsersService } from './admin-users.service';
import { toPublicUser } from './users.presenter';

/** The link the admin hands over: the token rides in the fragment, so it never reaches a server log or a Referer. */
function resetLink(req: Request, publicUrl: string | undefined, issued: IssuedReset): ResetLink {
  const base = (publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
  return { url: `${base}/reset-password#${issued.token}`, expiresAt: issued.expiresAt.toISOString() };
}

export function adminUsersRouter(admin: AdminUsersService, publicUrl: string | undefined): Router {
  const router = Router();

  router.get('/', requireAdmin, async (_req, res: ApiRes<'GET /api/v1/admin/users'>) => {
    res.json({ users: (await admin.list()).map(toPublicUser) });
  });

  router.post('/', requireAdmin, async (req, res: ApiRes<'POST /api/v1/admin/users'>) => {
    const { user, issued } = await admin.create(req.user, parse(adminUserCreateBody, req.body));
    res.status(201).json({ user: toPublicUser(user), resetLink: resetLink(req, publicUrl, issued) });
  });

  router.patch('/:id', requireAdmin, async (req, res: ApiRes<'PATCH /api/v1/admin/users/:id'>) => {
    const body = parse(adminUserPatchBody, req.body);
    res.json({ user: toPublicUser(await admin.update(req.user!, String(req.params.id), body)) });
  });

  router.post('/:id/password-reset', requireAdmin, async (req, res: ApiRes<'POST /api/v1/admin/users/:id/password-reset'>) => {
    const issued = await admin.issueReset(req.user, String(req.params.id));
    res.status(201).json({ resetLink: resetLink(req, publicUrl, issued) });
  });

  return router;
}
