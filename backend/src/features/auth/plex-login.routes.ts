/**
 * /api/v1/auth/plex: the Plex PIN sign-in.
 * - POST /pin → 201 {id, code, authUrl, expiresAt} and an httpOnly cookie binding the PIN to this browser;
 * - POST /verify {id} → 202 {status:'pending'} until approved, then 200 {user} with the session cookie;
 *   410 when the PIN expired or plex.tv no longer knows it; 403 for an account that may not sign in.
 */
import { plexVerifyBody } from '@medianest/contracts';
import { Router, type Request } from 'express';
import type { ApiRes } from '../../http/api-response';
import { flowCookieOptions } from '../../http/public-url';
import { parse } from '../../http/validate';
import { rateLimitByIp, type RateLimiter, type RateLimitRule } from '../../http/rate-limit';
import { toPublicUser } from '../users/users.presenter';
import type { AuthService } from './auth.service';
import { readCookie } from './middleware';
import type { PlexLoginService } from './plex-login.service';

export const PLEX_PIN_COOKIE = 'medianest_plex_pin';
const COOKIE_PATH = '/api/v1/auth/plex';

/** Each PIN costs a plex.tv call: a handful per person is plenty. */
export const PLEX_PIN_RULE: RateLimitRule = { name: 'plex-pin-ip', limit: 20, windowSeconds: 10 * 60 };
/** The browser polls about once a second while the user approves. */
export const PLEX_VERIFY_RULE: RateLimitRule = { name: 'plex-verify-ip', limit: 240, windowSeconds: 60 };

const cookieOptions = (req: Request, maxAgeMs?: number) => flowCookieOptions(req, COOKIE_PATH, maxAgeMs);

export function plexLoginRouter(plexLogin: PlexLoginService, auth: AuthService, limiter: RateLimiter): Router {
  const router = Router();

  router.post('/pin', rateLimitByIp(limiter, PLEX_PIN_RULE), async (req: Request, res: ApiRes<'POST /api/v1/auth/plex/pin'>) => {
    const pin = await plexLogin.start();
    res.cookie(PLEX_PIN_COOKIE, `${pin.id}.${pin.nonce}`, cookieOptions(req, Math.max(0, Date.parse(pin.expiresAt) - Date.now())));
    res.status(201).json({ id: pin.id, code: pin.code, authUrl: pin.authUrl, expiresAt: pin.expiresAt });
  });

  router.post('/verify', rateLimitByIp(limiter, PLEX_VERIFY_RULE), async (req: Request, res: ApiRes<'POST /api/v1/auth/plex/verify'>) => {
    const { id } = parse(plexVerifyBody, req.body);
    const cookie = readCookie(req.headers.cookie, PLEX_PIN_COOKIE);
    const [cookieId, nonce] = cookie?.split('.') ?? [];
    const result = await plexLogin.verify(id, cookieId === String(id) ? nonce : undefined);
    if (result.status === 'pending') {
      res.status(202).json({ status: 'pending', expiresAt: result.expiresAt });
      return;
    }
    res.clearCookie(PLEX_PIN_COOKIE, cookieOptions(req));
    await auth.startSession(result.user, 'plex', req, res);
    res.json({ user: toPublicUser(result.user) });
  });

  return router;
}
