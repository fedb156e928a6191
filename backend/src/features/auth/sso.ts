/** Builds the single sign-on pieces from the configuration: OpenID Connect and trusted forward-auth, each only when configured. */
import type { LookupFunction } from 'node:net';
import type { Cache } from '../../cache/cache';
import type { Config } from '../../config';
import { HttpClient } from '../../integrations/http-client';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import type { BreakerRegistry } from '../../resilience/breakers';
import type { OverseerrUserLinker } from '../media/overseerr-users';
import type { UsersRepository } from '../users/users.repository';
import type { ForwardAuthSettings } from './forward-auth';
import type { IdentitiesRepository } from './identities.repository';
import { OidcService } from './oidc.service';
import type { SessionStore } from './sessions';
import { SsoAdmission } from './sso-admission';

export interface Sso {
  /** Shared by both ways in (absent when neither is configured). */
  admission?: SsoAdmission;
  oidc?: OidcService;
  /** The configured issuer, for identities an admin links by hand. */
  oidcIssuer?: string;
  forwardAuth?: ForwardAuthSettings;
  /** SSO_ONLY: passwords only for administrators, no Plex sign-in. */
  only: boolean;
}

export function createSso(
  config: Config,
  deps: {
    users: UsersRepository;
    identities: IdentitiesRepository;
    sessions: SessionStore;
    events: EventBus;
    cache: Cache;
    breakers: BreakerRegistry;
    linker: OverseerrUserLinker | undefined;
    lookup?: LookupFunction;
  },
): Sso {
  const oidcOn = config.OIDC_ISSUER_URL !== undefined && config.OIDC_CLIENT_ID !== undefined && config.PUBLIC_URL !== undefined;
  const forwardOn = config.FORWARD_AUTH_USER_HEADER !== undefined;
  if (!oidcOn && !forwardOn) return { only: false };
  const admission = new SsoAdmission(deps.users, deps.identities, deps.sessions, deps.events, deps.linker, {
    allowedGroups: config.SSO_ALLOWED_GROUPS,
    adminGroups: config.SSO_ADMIN_GROUPS,
    createMembers: config.SSO_CREATE_MEMBERS,
  });
  let oidc: OidcService | undefined;
  if (oidcOn) {
    const issuer = config.OIDC_ISSUER_URL!;
    if (issuer.startsWith('http:')) {
      logger().warn(
        { event: 'config.oidc_insecure', setting: 'OIDC_ISSUER_URL' },
        'OIDC_ISSUER_URL is plain http: sign-in codes and tokens cross the network unencrypted. Use https outside a trusted LAN',
      );
    }
    const http = new HttpClient({
      service: 'oidc',
      displayName: 'The identity provider',
      baseUrl: issuer,
      breaker: deps.breakers.get('oidc'),
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      lookup: deps.lookup,
      retries: config.UPSTREAM_RETRIES,
      retryBaseDelayMs: config.UPSTREAM_RETRY_BASE_MS,
    });
    oidc = new OidcService(
      {
        issuer,
        clientId: config.OIDC_CLIENT_ID!,
        clientSecret: config.OIDC_CLIENT_SECRET,
        tokenAuthMethod: config.OIDC_TOKEN_AUTH_METHOD,
        scopes: config.OIDC_SCOPES,
        label: config.OIDC_BUTTON_LABEL,
        groupsClaim: config.OIDC_GROUPS_CLAIM,
        publicUrl: config.PUBLIC_URL!,
      },
      http,
      deps.cache,
      admission,
    );
  }
  return {
    admission,
    oidc,
    oidcIssuer: oidcOn ? config.OIDC_ISSUER_URL : undefined,
    forwardAuth: forwardOn
      ? {
          userHeader: config.FORWARD_AUTH_USER_HEADER!,
          emailHeader: config.FORWARD_AUTH_EMAIL_HEADER,
          groupsHeader: config.FORWARD_AUTH_GROUPS_HEADER,
        }
      : undefined,
    only: config.SSO_ONLY,
  };
}
