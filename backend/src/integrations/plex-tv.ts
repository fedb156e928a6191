/**
 * plex.tv API v2 client for the PIN login (`/api/v2/pins`, `/api/v2/user`, `/api/v2/resources`), on
 * the one instrumented HTTP client. Every call carries MediaNest's stable
 * `X-Plex-Client-Identifier` and product name; user tokens travel in the
 * `X-Plex-Token` header of the one call that needs them and are never
 * stored, logged or returned to a browser.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { HttpClient, parseUpstreamBody, UpstreamClientError } from './http-client';

export const PLEX_PRODUCT = 'MediaNest';
export const PLEX_AUTH_APP_URL = 'https://app.plex.tv/auth';

const pinSchema = z.looseObject({
  id: z.number(),
  code: z.string().min(1),
  expiresIn: z.number().optional(),
  expiresAt: z.string().nullish(),
  authToken: z.string().nullish(),
});

export interface PlexPin {
  id: number;
  code: string;
  expiresAt: Date;
  /** Set once the user approved the PIN on app.plex.tv. Keep it server-side. */
  authToken: string | null;
}

const accountSchema = z.looseObject({
  id: z.number(),
  uuid: z.string().optional(),
  username: z.string().nullish(),
  title: z.string().nullish(),
  friendlyName: z.string().nullish(),
  email: z.string().nullish(),
  thumb: z.string().nullish(),
});

export interface PlexAccount {
  id: number;
  username: string;
  email: string | null;
  thumb: string | null;
}

const resourceSchema = z.looseObject({
  name: z.string().optional(),
  clientIdentifier: z.string().optional(),
  provides: z.string().default(''),
  owned: z.boolean().optional(),
});
const resourcesSchema = z.array(resourceSchema);

export interface PlexResource {
  name?: string;
  clientIdentifier?: string;
  provides: string;
  owned?: boolean;
}

/** Default PIN lifetime when plex.tv does not say (its documented default). */
const DEFAULT_PIN_SECONDS = 900;

export class PlexTvClient {
  constructor(
    private readonly http: HttpClient,
    readonly clientIdentifier: string,
  ) {}

  /** The app.plex.tv page where the user approves `code` (parameters in the fragment, so no server sees them). */
  authUrl(code: string): string {
    const params =
      `clientID=${encodeURIComponent(this.clientIdentifier)}&code=${encodeURIComponent(code)}` +
      `&context%5Bdevice%5D%5Bproduct%5D=${encodeURIComponent(PLEX_PRODUCT)}`;
    return `${PLEX_AUTH_APP_URL}#?${params}`;
  }

  /** The breaker probe: GET /api/v2/user without a token — its 401 proves plex.tv answers. */
  probe(): Promise<void> {
    return this.http.probe('/api/v2/user');
  }

  /** POST /api/v2/pins?strong=true. */
  async createPin(): Promise<PlexPin> {
    const body = await this.http.json<unknown>({
      operation: 'createPin',
      method: 'POST',
      path: '/api/v2/pins',
      query: { strong: 'true' },
    });
    return toPin(parseUpstreamBody(pinSchema, body, this.http, 'createPin'));
  }

  /** GET /api/v2/pins/{id}; undefined when plex.tv no longer knows it (expired or consumed). */
  async getPin(id: number): Promise<PlexPin | undefined> {
    try {
      const body = await this.http.json<unknown>({ operation: 'getPin', path: `/api/v2/pins/${id}` });
      return toPin(parseUpstreamBody(pinSchema, body, this.http, 'getPin'));
    } catch (err) {
      if (err instanceof UpstreamClientError && err.upstreamStatus === 404) return undefined;
      throw err;
    }
  }

  /** GET /api/v2/user with the user's token. */
  async account(userToken: string): Promise<PlexAccount> {
    try {
      const body = await this.http.json<unknown>({ operation: 'getUser', path: '/api/v2/user', headers: { 'X-Plex-Token': userToken } });
      const a = parseUpstreamBody(accountSchema, body, this.http, 'getUser');
      return {
        id: a.id,
        username: a.username || a.title || a.friendlyName || `plex-${a.id}`,
        email: a.email ?? null,
        thumb: a.thumb ?? null,
      };
    } catch (err) {
      throw unauthorizedAsGone(err);
    }
  }

  /** GET /api/v2/resources: the servers and players the user can reach. */
  async resources(userToken: string): Promise<PlexResource[]> {
    try {
      const body = await this.http.json<unknown>({
        operation: 'getResources',
        path: '/api/v2/resources',
        query: { includeHttps: 1, includeRelay: 1 },
        headers: { 'X-Plex-Token': userToken },
      });
      return parseUpstreamBody(resourcesSchema, body, this.http, 'getResources');
    } catch (err) {
      throw unauthorizedAsGone(err);
    }
  }
}

/** A token plex.tv does not accept (401, or 422 "Invalid token") means the sign-in has to start over. */
function unauthorizedAsGone(err: unknown): unknown {
  if (err instanceof UpstreamClientError && (err.upstreamStatus === 401 || err.upstreamStatus === 422)) {
    return new AppError(410, 'GONE', 'plex.tv no longer accepts this sign-in; start again');
  }
  return err;
}

function toPin(p: z.infer<typeof pinSchema>): PlexPin {
  const parsed = p.expiresAt ? Date.parse(p.expiresAt) : Number.NaN;
  const expiresAt = Number.isNaN(parsed) ? new Date(Date.now() + (p.expiresIn ?? DEFAULT_PIN_SECONDS) * 1000) : new Date(parsed);
  return { id: p.id, code: p.code, expiresAt, authToken: p.authToken ? p.authToken : null };
}
