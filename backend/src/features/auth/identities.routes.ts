/**
 * /api/v1/admin/users/:id/identities (admins only): the SSO identities linked to a member.
 * GET lists them; POST {subject} links the member to that subject at the configured OpenID Connect
 * provider (409 when it belongs to someone else); DELETE unlinks one and ends the member's sessions.
 */
import { linkIdentityBody } from '@medianest/contracts';
import { Router } from 'express';
import { AppError } from '../../errors';
import { adminOnly } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { UsersRepository } from '../users/users.repository';
import { toLinkedIdentity, type IdentitiesRepository } from './identities.repository';
import type { SsoAdmission } from './sso-admission';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function adminIdentitiesRouter(
  users: UsersRepository,
  identities: IdentitiesRepository,
  admission: SsoAdmission | undefined,
  oidcIssuer: string | undefined,
): Router {
  const router = Router();

  // Member and identity ids are UUIDs: anything else (a junk path, a NUL byte) names no one and never reaches the database.
  const member = async (id: string) => {
    const user = UUID.test(id) ? await users.findById(id) : undefined;
    if (!user) throw AppError.notFound('No such user');
    return user;
  };

  router.get(
    '/:id/identities',
    adminOnly(async (req, res: ApiRes<'GET /api/v1/admin/users/:id/identities'>) => {
      const user = await member(String(req.params.id));
      res.json({ identities: (await identities.listForUser(user.id)).map(toLinkedIdentity) });
    }),
  );

  router.post(
    '/:id/identities',
    adminOnly(async (req, res: ApiRes<'POST /api/v1/admin/users/:id/identities'>) => {
      const body = parse(linkIdentityBody, req.body);
      if (!admission || !oidcIssuer) throw new AppError(409, 'NOT_CONFIGURED', 'OpenID Connect is not configured (OIDC_ISSUER_URL)');
      const user = await member(String(req.params.id));
      const identity = await admission.link(user.id, oidcIssuer, body.subject);
      if (!identity)
        throw AppError.conflict('That identity is linked to a member already', [{ path: 'subject', message: 'is linked already' }]);
      res.status(201).json({ identity: toLinkedIdentity(identity) });
    }),
  );

  router.delete(
    '/:id/identities/:identityId',
    adminOnly(async (req, res) => {
      const user = await member(String(req.params.id));
      const identityId = String(req.params.identityId);
      if (!UUID.test(identityId)) throw AppError.notFound('No such identity for this member');
      const removed = admission ? await admission.unlink(user.id, identityId) : await identities.unlink(user.id, identityId);
      if (!removed) throw AppError.notFound('No such identity for this member');
      res.status(204).end();
    }),
  );

  return router;
}
