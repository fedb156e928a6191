/**
 * /api/v1/admin/users: list users, create local accounts, change role or
 * enabled, and make one-time password reset links (admins only; the rules are
 * in admin-users.service.ts).
 * Guards are route-level so the route template is known (for metrics and logs) even on a 401/403.
 */
import { adminUserCreateBody, adminUserPatchBody, type ResetLink } from '@medianest/contracts';
import type { Request } from 'express';
import { Router } from 'express';
import { adminOnly } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import { toPublicUser } from '../users/users.presenter';
import type { AdminUsersService } from './admin-users.service';
import type { IssuedReset } from './password-resets';

/** The link the admin hands over: the token rides in the fragment, so it never reaches a server log or a Referer. */
function resetLink(req: Request, publicUrl: string | undefined, issued: IssuedReset): ResetLink {
  const base = (publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
  return { url: `${base}/reset-password#${issued.token}`, expiresAt: issued.expiresAt.toISOString() };
}

export function adminUsersRouter(admin: AdminUsersService, publicUrl: string | undefined): Router {
  const router = Router();

  router.get(
    '/',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/users'>) => {
      res.json({ users: (await admin.list()).map(toPublicUser) });
    }),
  );

  router.post(
    '/',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/users'>, user) => {
      const { user: created, issued } = await admin.create(user, parse(adminUserCreateBody, req.body));
      res.status(201).json({ user: toPublicUser(created), resetLink: resetLink(req, publicUrl, issued) });
    }),
  );

  router.patch(
    '/:id',
    adminOnly(async (req, res: ApiRes<'PATCH /api/v1/admin/users/:id'>, user) => {
      const body = parse(adminUserPatchBody, req.body);
      res.json({ user: toPublicUser(await admin.update(user, String(req.params.id), body)) });
    }),
  );

  router.post(
    '/:id/password-reset',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/users/:id/password-reset'>, user) => {
      const issued = await admin.issueReset(user, String(req.params.id));
      res.status(201).json({ resetLink: resetLink(req, publicUrl, issued) });
    }),
  );

  return router;
}
