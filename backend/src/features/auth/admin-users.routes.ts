/**
 * /api/v1/admin/users: list users, create local accounts, change role or
 * enabled, and make one-time password reset links (admins only). A role or
 * enabled change publishes `user.updated`, so the account's open sockets are
 * re-evaluated on every process. Account administration lives with sign-in
 * (reset links, sessions), above users/, which holds the users themselves.
 * Guards are route-level so the route template is known (for metrics and logs) even on a 401/403.
 */
import { adminUserCreateBody, adminUserPatchBody, type ResetLink } from '@medianest/contracts';
import type { Request } from 'express';
import { Router } from 'express';
import { AppError } from '../../errors';
import { adminOnly } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { EventBus } from '../../realtime/events';
import { toPublicUser, type UsersRepository } from '../users/users.repository';
import type { AuthService } from './auth.service';
import type { IssuedReset } from './password-resets';
import type { SessionStore } from './sessions';

/** The link the admin hands over: the token rides in the fragment, so it never reaches a server log or a Referer. */
function resetLink(req: Request, publicUrl: string | undefined, issued: IssuedReset): ResetLink {
  const base = (publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
  return { url: `${base}/reset-password#${issued.token}`, expiresAt: issued.expiresAt.toISOString() };
}

export function adminUsersRouter(
  users: UsersRepository,
  sessions: SessionStore,
  auth: AuthService,
  publicUrl: string | undefined,
  events: EventBus,
): Router {
  const router = Router();

  router.get(
    '/',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/users'>) => {
      res.json({ users: (await users.list()).map(toPublicUser) });
    }),
  );

  /** Creates a local account without a password and answers with the one-time link to set it. */
  router.post(
    '/',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/users'>, user) => {
      const body = parse(adminUserCreateBody, req.body);
      if (await users.findByUsername(body.username)) {
        throw AppError.conflict('That username is taken', [{ path: 'username', message: 'is taken' }]);
      }
      const created = await users.create({ username: body.username, email: body.email ?? null, role: body.role, passwordHash: null });
      const issued = await auth.issuePasswordReset(created, user);
      res.status(201).json({ user: toPublicUser(created), resetLink: resetLink(req, publicUrl, issued) });
    }),
  );

  router.patch(
    '/:id',
    adminOnly(async (req, res: ApiRes<'PATCH /api/v1/admin/users/:id'>, user) => {
      const body = parse(adminUserPatchBody, req.body);
      const id = String(req.params.id);
      const target = await users.findById(id);
      if (!target) throw AppError.notFound('No such user');
      if (target.id === user.id && (body.role === 'user' || body.enabled === false)) {
        throw AppError.badRequest('You cannot demote or disable your own account');
      }
      const updated = await users.update(id, body);
      if (body.enabled === false) await sessions.revokeAllForUser(id);
      // Open realtime connections of the account follow at once, on every process (a demoted admin stops getting admin events).
      events.publish('user.updated', { userId: id });
      res.json({ user: toPublicUser(updated!) });
    }),
  );

  /** A one-time link that lets the member set a new password (older links for them stop working). */
  router.post(
    '/:id/password-reset',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/users/:id/password-reset'>, user) => {
      const target = await users.findById(String(req.params.id));
      if (!target) throw AppError.notFound('No such user');
      const issued = await auth.issuePasswordReset(target, user);
      res.status(201).json({ resetLink: resetLink(req, publicUrl, issued) });
    }),
  );

  return router;
}
