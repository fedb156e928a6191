/**
 * /api/v1/admin/users: list users, create local accounts, change role or
 * enabled, and make one-time password reset links (admins only). A role or
 * enabled change publishes `user.updated`, so the account's open sockets are
 * re-evaluated on every process.
 * Guards are route-level so the route template is known (for metrics and logs) even on a 401/403.
 */
import { adminUserCreateBody, adminUserPatchBody, type ResetLink } from '@medianest/contracts';
import type { Request } from 'express';
import { Router } from 'express';
import { AppError } from '../../errors';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { AuthService } from '../auth/auth.service';
import { requireAdmin } from '../auth/middleware';
import type { IssuedReset } from '../auth/password-resets';
import type { SessionStore } from '../auth/sessions';
import type { EventBus } from '../../realtime/events';
import { toPublicUser, type UsersRepository } from './users.repository';

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

  router.get('/', requireAdmin, async (_req, res: ApiRes<'GET /api/v1/admin/users'>) => {
    res.json({ users: (await users.list()).map(toPublicUser) });
  });

  /** Creates a local account without a password and answers with the one-time link to set it. */
  router.post('/', requireAdmin, async (req, res: ApiRes<'POST /api/v1/admin/users'>) => {
    const body = parse(adminUserCreateBody, req.body);
    if (await users.findByUsername(body.username)) {
      throw AppError.conflict('That username is taken', [{ path: 'username', message: 'is taken' }]);
    }
    const created = await users.create({ username: body.username, email: body.email ?? null, role: body.role, passwordHash: null });
    const issued = await auth.issuePasswordReset(created, req.user);
    res.status(201).json({ user: toPublicUser(created), resetLink: resetLink(req, publicUrl, issued) });
  });

  router.patch('/:id', requireAdmin, async (req, res: ApiRes<'PATCH /api/v1/admin/users/:id'>) => {
    const body = parse(adminUserPatchBody, req.body);
    const id = String(req.params.id);
    const target = await users.findById(id);
    if (!target) throw AppError.notFound('No such user');
    if (target.id === req.user!.id && (body.role === 'user' || body.enabled === false)) {
      throw AppError.badRequest('You cannot demote or disable your own account');
    }
    const updated = await users.update(id, body);
    if (body.enabled === false) await sessions.revokeAllForUser(id);
    // Open realtime connections of the account follow at once, on every process (a demoted admin stops getting admin events).
    events.publish('user.updated', { userId: id });
    res.json({ user: toPublicUser(updated!) });
  });

  /** A one-time link that lets the member set a new password (older links for them stop working). */
  router.post('/:id/password-reset', requireAdmin, async (req, res: ApiRes<'POST /api/v1/admin/users/:id/password-reset'>) => {
    const target = await users.findById(String(req.params.id));
    if (!target) throw AppError.notFound('No such user');
    const issued = await auth.issuePasswordReset(target, req.user);
    res.status(201).json({ resetLink: resetLink(req, publicUrl, issued) });
  });

  return router;
}
