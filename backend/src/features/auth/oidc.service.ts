/**
 * OpenID Connect sign-in (authorization-code flow with PKCE, state and nonce), on `openid-client`:
 * discovery from the issuer's /.well-known/openid-configuration, ID-token validation (issuer, audience,
 * expiry, nonce, signature against the provider's JWKS, fetched again when the provider rotates its keys)
 * all by the library. MediaNest's part:
 *
 * - A flow belongs to the browser that started it: the state is kept server-side (cache, 10 minutes,
 *   stored under its hash) and in an httpOnly cookie; the callback needs both, once. A replayed or
 *   foreign callback is refused before anything is sent to the provider.
 * - Every call to the provider goes through the one instrumented HTTP client (breaker `oidc`,
 *   medianest_external_api_duration_seconds{service="oidc"}, CLIENT spans); tokens are never logged.
 * - The library is loaded on first use, so an install without SSO never loads it.
 */
import { createHash } from 'node:crypto';
import type * as OpenId from 'openid-client' with { 'resolution-mode': 'import' };
import type { Cache } from '../../cache/cache';
import { AppError, errorMessage } from '../../errors';
import type { HttpClient } from '../../integrations/http-client';
import { analytics } from '../../observability/metrics/analytics';
import { logger } from '../../observability/logging/logger';
import type { User } from '../users/user';
import { splitGroups, type SsoAdmission } from './sso-admission';

export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';
export const OIDC_START_PATH = '/api/v1/auth/oidc/start';
const FLOW_TTL_SECONDS = 10 * 60;

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  /** How the client secret is sent to the token endpoint (client_secret_basic is what providers default to). */
  tokenAuthMethod: 'client_secret_basic' | 'client_secret_post';
  scopes: string;
  label: string;
  groupsClaim: string;
  /** PUBLIC_URL: the redirect URI and the page the provider returns to after sign-out are under it. */
  publicUrl: string;
}

interface StoredFlow {
  verifier: string;
  nonce: string;
  returnTo: string;
}

export interface FinishedSignIn {
  user: User;
  returnTo: string;
}

type Library = typeof OpenId;

const flowKey = (state: string) => `oidc-flow:${createHash('sha256').update(state).digest('base64url')}`;

/** Which provider endpoint a call goes to, as a fixed operation name for metrics and spans. */
function operationOf(url: URL): string {
  if (url.pathname.endsWith('/.well-known/openid-configuration')) return 'discovery';
  if (/jwks|certs|keys/.test(url.pathname)) return 'jwks';
  if (/token/.test(url.pathname)) return 'token';
  if (/userinfo|me$/.test(url.pathname)) return 'userinfo';
  return 'other';
}

/** Claims as the strings MediaNest reads; anything else is ignored. */
function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const v = claims[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const v = claims[claim];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string');
  if (typeof v === 'string') return splitGroups(v);
  return [];
}

export class OidcService {
  private discovered?: Promise<{ lib: Library; config: OpenId.Configuration }>;

  constructor(
    private readonly settings: OidcSettings,
    private readonly http: HttpClient,
    private readonly cache: Cache,
    private readonly admission: SsoAdmission,
  ) {}

  get label(): string {
    return this.settings.label;
  }

  get redirectUri(): string {
    return this.settings.publicUrl + OIDC_CALLBACK_PATH;
  }

  /** The provider's configuration, discovered once (again after a failure). */
  private provider(): Promise<{ lib: Library; config: OpenId.Configuration }> {
    this.discovered ??= (async () => {
      const lib = await import('openid-client');
      const fetchThroughClient = this.http.fetchAdapter(operationOf) as OpenId.CustomFetch;
      const { clientSecret } = this.settings;
      const clientAuth =
        clientSecret === undefined
          ? lib.None()
          : this.settings.tokenAuthMethod === 'client_secret_post'
            ? lib.ClientSecretPost(clientSecret)
            : lib.ClientSecretBasic(clientSecret);
      const config = await lib.discovery(new URL(this.settings.issuer), this.settings.clientId, clientSecret, clientAuth, {
        // A provider on plain http (a LAN install, the tests) is allowed; start-up warns about it.
        execute: this.settings.issuer.startsWith('http:') ? [lib.allowInsecureRequests] : [],
        [lib.customFetch]: fetchThroughClient,
      });
      config[lib.customFetch] = fetchThroughClient;
      return { lib, config };
    })();
    this.discovered.catch(() => (this.discovered = undefined));
    return this.discovered;
  }

  /** Starts a sign-in: the provider URL to send the browser to, and the state for its cookie. */
  async start(returnTo: string): Promise<{ url: string; state: string }> {
    const { lib, config } = await this.provider().catch((err: unknown) => {
      throw this.unavailable(err);
    });
    const verifier = lib.randomPKCECodeVerifier();
    const state = lib.randomState();
    const nonce = lib.randomNonce();
    await this.cache.set<StoredFlow>(flowKey(state), { verifier, nonce, returnTo }, FLOW_TTL_SECONDS);
    const url = lib.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await lib.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * Finishes a sign-in from the provider's redirect. `cookieState` is the state this browser was given
   * at the start; the flow is used up before the code is exchanged, so a replay finds nothing.
   */
  async finish(callbackUrl: URL, cookieState: string | undefined, ip: string): Promise<FinishedSignIn> {
    const state = callbackUrl.searchParams.get('state');
    if (!state || !cookieState || state !== cookieState) {
      this.invalid(ip, 'state_mismatch', 'This sign-in was started in another browser or has expired; start again');
    }
    const flow = await this.cache.get<StoredFlow>(flowKey(state));
    if (!flow) this.invalid(ip, 'state_unknown', 'This sign-in has expired or was already used; start again');
    await this.cache.delete(flowKey(state));

    const providerError = callbackUrl.searchParams.get('error');
    if (providerError) {
      analytics.trackAuthFailure('sso_not_allowed', { ip, login: 'oidc' });
      throw new AppError(403, 'FORBIDDEN', `The identity provider did not sign you in (${providerError.slice(0, 60)})`, {
        details: { reason: 'sso_provider_refused' },
      });
    }

    const { lib, config } = await this.provider().catch((err: unknown) => {
      throw this.unavailable(err);
    });
    let claims: Record<string, unknown>;
    try {
      const tokens = await lib.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      // Some providers (Authelia by default) put e-mail and groups only in the userinfo answer.
      if (config.serverMetadata().userinfo_endpoint && (claims.email === undefined || claims[this.settings.groupsClaim] === undefined)) {
        const info = await lib.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims }; // the signed ID token's claims win
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.invalid(
        ip,
        (err as { code?: string }).code ?? 'invalid_response',
        `The identity provider's answer could not be verified (${errorMessage(err).slice(0, 120)})`,
      );
    }
    const user = await this.admission.admit({
      method: 'oidc',
      issuer: config.serverMetadata().issuer,
      subject: String(claims.sub),
      username: stringClaim(claims, 'preferred_username') ?? stringClaim(claims, 'nickname') ?? stringClaim(claims, 'name'),
      email: stringClaim(claims, 'email'),
      // Only an explicit `true` counts: a missing claim is not a verified address.
      emailVerified: claims.email_verified === true,
      groups: groupsOf(claims, this.settings.groupsClaim),
      ip,
    });
    return { user, returnTo: flow.returnTo };
  }

  /** Where to send the browser after signing out of MediaNest, to end the provider's session too (null: it offers none). */
  async endSessionUrl(): Promise<string | null> {
    try {
      const { lib, config } = await this.provider();
      if (!config.serverMetadata().end_session_endpoint) return null;
      return lib.buildEndSessionUrl(config, {
        client_id: this.settings.clientId,
        post_logout_redirect_uri: `${this.settings.publicUrl}/login`,
      }).href;
    } catch {
      return null;
    }
  }

  private invalid(ip: string, why: string, message: string): never {
    analytics.trackAuthFailure('sso_invalid', { ip, login: 'oidc' });
    logger().warn({ event: 'sso.oidc.invalid', why }, 'OpenID Connect sign-in refused');
    throw new AppError(401, 'UNAUTHENTICATED', message, { details: { reason: why } });
  }

  private unavailable(err: unknown): AppError {
    if (err instanceof AppError) return err;
    return new AppError(
      503,
      'UPSTREAM_UNAVAILABLE',
      `The identity provider is unavailable right now (${errorMessage(err).slice(0, 120)})`,
      {
        details: { service: 'oidc' },
      },
    );
  }
}
