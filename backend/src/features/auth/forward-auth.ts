/**
 * Trusted forward-auth: behind a proxy that signs people in itself (Authelia, an Authentik outpost,
 * oauth2-proxy), the proxy names the person in a header (FORWARD_AUTH_USER_HEADER, e.g. Remote-User).
 * The header is believed only when the connection comes from an address in TRUST_PROXY (start-up
 * refuses a TRUST_PROXY that is a hop count or `true`); from anyone else it is ignored and logged.
 *
 * The proxy's word wins over a MediaNest session cookie: when the header names someone else than the
 * session's member, a session for the named person replaces it. The session cookie is what Socket.IO
 * and the rest of MediaNest use, so the proxy is asked once per browser, not per request.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { analytics } from '../../observability/metrics/analytics';
import { logger } from '../../observability/logging/logger';
import { normaliseUsername, type AuthService } from './auth.service';
import { splitGroups, type SsoAdmission } from './sso-admission';

export const FORWARD_AUTH_ISSUER = 'forward-auth';

export interface ForwardAuthSettings {
  userHeader: string;
  emailHeader: string | undefined;
  groupsHeader: string | undefined;
}

type TrustFn = (address: string, hop: number) => boolean;

const header = (req: Request, name: string | undefined): string | undefined => {
  if (!name) return undefined;
  const value = req.get(name)?.trim();
  return value && value.length <= 255 ? value : undefined;
};

/** At most one warning a minute about untrusted headers (each still counts in the metric). */
let lastUntrustedWarning = 0;

export function forwardAuth(settings: ForwardAuthSettings, admission: SsoAdmission, auth: AuthService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const name = header(req, settings.userHeader);
    if (!name) return next();
    const peer = req.socket.remoteAddress ?? '';
    const trusted = (req.app.get('trust proxy fn') as TrustFn)(peer, 0);
    if (!trusted) {
      analytics.trackAuthFailure('forward_auth_untrusted', {
        ip: req.ip ?? peer,
        username: normaliseUsername(name),
        login: 'forward_auth',
      });
      if (Date.now() - lastUntrustedWarning > 60_000) {
        lastUntrustedWarning = Date.now();
        logger().warn(
          { event: 'sso.forward_auth.untrusted', peer, header: settings.userHeader },
          `Ignored a ${settings.userHeader} header from an address not in TRUST_PROXY`,
        );
      }
      return next();
    }
    const username = normaliseUsername(name);
    admission
      .memberFor(FORWARD_AUTH_ISSUER, username)
      .then((memberId) => {
        // Already signed in as the person the proxy names: nothing to do (the common case, no query when cached).
        if (req.user && memberId === req.user.id) return undefined;
        return signIn();
      })
      .then(() => next(), next);

    const signIn = () =>
      admission
        .admit({
          method: 'forward_auth',
          issuer: FORWARD_AUTH_ISSUER,
          subject: username,
          username: name,
          email: header(req, settings.emailHeader),
          // The proxy is trusted to have checked the address it names.
          emailVerified: header(req, settings.emailHeader) !== undefined,
          groups: splitGroups(header(req, settings.groupsHeader) ?? ''),
          ip: req.ip ?? peer,
        })
        .then(async (user) => {
          if (req.sessionToken) await auth.logout(req, res);
          await auth.startSession(user, 'forward_auth', req, res);
          req.user = user;
          req.sessionMethod = 'forward_auth';
        });
  };
}
