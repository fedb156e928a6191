/**
 * /api/v1/auth/oidc: OpenID Connect sign-in. These are browser navigations, not API calls:
 * - GET /start?returnTo=/path → 302 to the provider (state cookie set);
 * - GET /callback → the session cookie and 302 to returnTo; a refusal goes back to the sign-in page as
 *   302 /login?sso_error=<code> (the page says what happened), or as the JSON error for API clients;
 * - POST /logout → signs out here and names the provider's end-session URL, if it has one.
 */
import { safeReturnPath } from '@medianest/contracts';
import { Router, type Request, type Response } from 'express';
import { isAppError } from '../../errors';
import { authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { flowCookieOptions } from '../../http/public-url';
import { rateLimitByIp, type RateLimiter, type RateLimitRule } from '../../http/rate-limit';
import type { AuthService } from './auth.service';
import { readCookie } from './middleware';
import type { OidcService } from './oidc.service';

export const OIDC_STATE_COOKIE = 'medianest_oidc_state';
const COOKIE_PATH = '/api/v1/auth/oidc';

/** Each start stores a flow and each callback costs a token exchange: a person needs a handful. */
export const OIDC_IP_RULE: RateLimitRule = { name: 'oidc-ip', limit: 30, windowSeconds: 10 * 60 };

const cookieOptions = (req: Request, maxAgeMs?: number) => flowCookieOptions(req, COOKIE_PATH, maxAgeMs);

/** The callback URL exactly as the provider sent the browser to it (redirect_uri + query). */
function callbackUrl(redirectUri: string, req: Request): URL {
  const url = new URL(redirectUri);
  url.search = new URL(req.originalUrl, 'http://callback.invalid').search;
  return url;
}

export function oidcRouter(oidc: OidcService, auth: AuthService, limiter: RateLimiter): Router {
  const router = Router();
  const limit = rateLimitByIp(limiter, OIDC_IP_RULE);

  router.get('/start', limit, async (req: Request, res: Response) => {
    const { url, state } = await oidc.start(safeReturnPath(req.query.returnTo));
    res.cookie(OIDC_STATE_COOKIE, state, cookieOptions(req, 10 * 60_000));
    res.redirect(302, url);
  });

  router.get('/callback', limit, async (req: Request, res: Response) => {
    const state = readCookie(req.headers.cookie, OIDC_STATE_COOKIE);
    res.clearCookie(OIDC_STATE_COOKIE, cookieOptions(req));
    try {
      const { user, returnTo } = await oidc.finish(callbackUrl(oidc.redirectUri, req), state, req.ip ?? 'unknown');
      await auth.startSession(user, 'oidc', req, res);
      res.redirect(302, returnTo);
    } catch (err) {
      if (!isAppError(err) || err.status >= 500 || req.accepts(['html', 'json']) === 'json') throw err;
      const reason = (err.details as { reason?: unknown } | undefined)?.reason;
      res.redirect(302, `/login?sso_error=${encodeURIComponent(typeof reason === 'string' ? reason : err.code.toLowerCase())}`);
    }
  });

  router.post(
    '/logout',
    authed(async (req, res: ApiRes<'POST /api/v1/auth/oidc/logout'>) => {
      await auth.logout(req, res);
      res.json({ endSessionUrl: await oidc.endSessionUrl() });
    }),
  );

  return router;
}
