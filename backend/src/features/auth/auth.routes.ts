/** /api/v1/auth: local login, logout, current session, the member's own settings, password change and reset links. */
import {
  accountPatchBody,
  changePasswordBody,
  loginBody,
  passwordResetCompleteBody,
  passwordResetInspectBody,
  type SignInMethod,
  type SignInMethods,
} from '@medianest/contracts';
import { Router } from 'express';
import { AppError } from '../../errors';
import { rateLimitByIp, type RateLimiter, type RateLimitRule } from '../../http/rate-limit';
import { authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import { toPublicUser } from '../users/users.presenter';
import type { AuthService } from './auth.service';
import { DEVICE_COOKIE } from './known-devices';
import { readCookie } from './middleware';

/** Guessing reset tokens is hopeless (256 random bits), but a client gets only so many tries. */
export const PASSWORD_RESET_IP_RULE: RateLimitRule = { name: 'password-reset-ip', limit: 30, windowSeconds: 15 * 60 };

const SIGN_IN_METHODS: readonly SignInMethod[] = ['local', 'plex', 'oidc', 'forward_auth'];
const signInMethod = (stored: string | null | undefined): SignInMethod | null => SIGN_IN_METHODS.find((m) => m === stored) ?? null;

export function authRouter(auth: AuthService, limiter: RateLimiter, methods: SignInMethods): Router {
  const router = Router();

  router.get('/methods', (_req, res: ApiRes<'GET /api/v1/auth/methods'>) => {
    res.json(methods);
  });

  router.post('/login', async (req, res: ApiRes<'POST /api/v1/auth/login'>) => {
    const body = parse(loginBody, req.body);
    const user = await auth.loginLocal(body.username, body.password, {
      ip: req.ip ?? 'unknown',
      deviceCookie: readCookie(req.headers.cookie, DEVICE_COOKIE),
    });
    // SSO only: passwords remain the administrators' way in when the provider is down (the escape hatch).
    if (!methods.password && user.role !== 'admin') {
      throw AppError.forbidden('This server signs in through single sign-on only; use the SSO button', 'SSO_ONLY');
    }
    await auth.startSession(user, 'local', req, res);
    res.json({ user: toPublicUser(user) });
  });

  router.post('/logout', async (req, res) => {
    await auth.logout(req, res);
    res.status(204).end();
  });

  router.get(
    '/session',
    authed((req, res: ApiRes<'GET /api/v1/auth/session'>, user) => {
      res.json({ user: toPublicUser(user), method: signInMethod(req.sessionMethod) });
    }),
  );

  router.post(
    '/password',
    authed(async (req, res: ApiRes<'POST /api/v1/auth/password'>, user) => {
      const body = parse(changePasswordBody, req.body);
      await auth.changePassword(user, body.currentPassword, body.newPassword, req, res);
      res.json({ user: toPublicUser(user), otherSessionsSignedOut: true });
    }),
  );

  router.patch(
    '/account',
    authed(async (req, res: ApiRes<'PATCH /api/v1/auth/account'>, user) => {
      const body = parse(accountPatchBody, req.body);
      res.json({ user: toPublicUser(await auth.updateAccount(user, body)) });
    }),
  );

  const resetLimit = rateLimitByIp(limiter, PASSWORD_RESET_IP_RULE);

  router.post('/password-reset/inspect', resetLimit, async (req, res: ApiRes<'POST /api/v1/auth/password-reset/inspect'>) => {
    const body = parse(passwordResetInspectBody, req.body);
    const { user, expiresAt } = await auth.inspectPasswordReset(body.token, req.ip ?? 'unknown');
    res.json({ username: user.username, expiresAt: expiresAt.toISOString() });
  });

  router.post('/password-reset', resetLimit, async (req, res: ApiRes<'POST /api/v1/auth/password-reset'>) => {
    const body = parse(passwordResetCompleteBody, req.body);
    const user = await auth.completePasswordReset(body.token, body.newPassword, req.ip ?? 'unknown');
    res.json({ username: user.username });
  });

  return router;
}
