/**
 * plex.tv API v2 client for the PIN login (`/api/v2/pins`, `/api/v2/user`, `/api/v2/resources`), and
 * the member's watchlist on Plex's discover provider (`/library/sections/watchlist/all` on
 * discover.provider.plex.tv, PLEX_DISCOVER_URL, with `/library/metadata/{ratingKey}` for a title listed
 * without its TMDB id), both on the one instrumented HTTP client with the plex-tv breaker. Every call carries MediaNest's stable `X-Plex-Client-Identifier` and product
 * name; user tokens travel in the `X-Plex-Token` header of the call that needs them and are never
 * logged or returned to a browser (the watchlist feature keeps them sealed at rest).
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { mapLimited } from '../resilience/map-limited';
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

/** Titles read per watchlist page (X-Plex-Container-Size), and the most read in all (a longer list is cut). */
export const WATCHLIST_PAGE_SIZE = 100;
export const WATCHLIST_MAX_ITEMS = 1000;
/** Metadata lookups (titles the watchlist listed without a TMDB id) that run at once. */
export const METADATA_LOOKUP_CONCURRENCY = 4;

const guidsSchema = z.array(z.looseObject({ id: z.string() })).optional();

const watchlistPageSchema = z.looseObject({
  MediaContainer: z.looseObject({
    offset: z.number().optional(),
    size: z.number().optional(),
    totalSize: z.number().optional(),
    Metadata: z
      .array(
        z.looseObject({
          ratingKey: z.string(),
          type: z.string(),
          title: z.string().default(''),
          year: z.number().optional(),
          /** With includeGuids=1: the title's ids elsewhere (`imdb://tt…`, `tmdb://…`, `tvdb://…`). */
          Guid: guidsSchema,
        }),
      )
      .optional(),
  }),
});

/** GET /library/metadata/{ratingKey}: the title as `Metadata[0]`, with every id Plex knows for it. */
const metadataSchema = z.looseObject({
  MediaContainer: z.looseObject({
    Metadata: z.array(z.looseObject({ ratingKey: z.string().optional(), Guid: guidsSchema })).optional(),
  }),
});

export interface PlexWatchlistItem {
  /** Plex's id of the title on its discover provider. */
  ratingKey: string;
  mediaType: 'movie' | 'tv';
  title: string;
  year: number | null;
  /**
   * Null when Plex knows no TMDB id for it, neither in the listing nor in the title's own metadata (it
   * cannot be looked up in Overseerr, which takes shows by TMDB id too: a show known to TVDB only stays null).
   */
  tmdbId: number | null;
}

/** The number in a `<scheme>://<number>` Guid of the given scheme. */
export function guidNumber(guids: { id: string }[] | undefined, scheme: 'tmdb' | 'tvdb'): number | null {
  for (const guid of guids ?? []) {
    const m = new RegExp(`^${scheme}://(\\d+)$`).exec(guid.id);
    if (m) return Number(m[1]);
  }
  return null;
}

export class PlexTvClient {
  constructor(
    private readonly http: HttpClient,
    readonly clientIdentifier: string,
    /** Plex's discover provider (the watchlist); a client of its own base URL on the same breaker. */
    private readonly discover: HttpClient = http,
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

  /**
   * The user's watchlist, every page (GET /library/sections/watchlist/all?includeGuids=1, paged
   * with X-Plex-Container-Start/Size), movies and shows only, up to WATCHLIST_MAX_ITEMS. A title
   * listed without a TMDB id is looked up by its rating key (GET /library/metadata/{ratingKey},
   * METADATA_LOOKUP_CONCURRENCY at a time), as Seerr does. A token plex.tv no longer accepts is a 410 GONE.
   */
  async watchlist(userToken: string): Promise<PlexWatchlistItem[]> {
    const items: PlexWatchlistItem[] = [];
    try {
      for (let start = 0; start < WATCHLIST_MAX_ITEMS; start += WATCHLIST_PAGE_SIZE) {
        const body = await this.discover.json<unknown>({
          operation: 'getWatchlist',
          path: '/library/sections/watchlist/all',
          query: { includeGuids: 1, 'X-Plex-Container-Start': start, 'X-Plex-Container-Size': WATCHLIST_PAGE_SIZE },
          headers: { 'X-Plex-Token': userToken },
        });
        const page = parseUpstreamBody(watchlistPageSchema, body, this.discover, 'getWatchlist').MediaContainer;
        const metadata = page.Metadata ?? [];
        for (const m of metadata) {
          if (m.type !== 'movie' && m.type !== 'show') continue;
          items.push({
            ratingKey: m.ratingKey,
            mediaType: m.type === 'show' ? 'tv' : 'movie',
            title: m.title,
            year: m.year ?? null,
            tmdbId: guidNumber(m.Guid, 'tmdb'),
          });
        }
        const total = page.totalSize ?? start + metadata.length;
        if (metadata.length === 0 || start + metadata.length >= total) break;
      }
      const listed = items.slice(0, WATCHLIST_MAX_ITEMS);
      const missing = listed.filter((item) => item.tmdbId === null);
      await mapLimited(missing, METADATA_LOOKUP_CONCURRENCY, async (item) => {
        item.tmdbId = await this.tmdbIdOf(userToken, item.ratingKey);
      });
      return listed;
    } catch (err) {
      throw unauthorizedAsGone(err);
    }
  }

  /**
   * The TMDB id in the title's own metadata on the discover provider (GET /library/metadata/{ratingKey},
   * its `Metadata[0].Guid`); null when Plex has none there either, or no longer knows the title (404).
   */
  private async tmdbIdOf(userToken: string, ratingKey: string): Promise<number | null> {
    try {
      const body = await this.discover.json<unknown>({
        operation: 'getMetadata',
        path: `/library/metadata/${encodeURIComponent(ratingKey)}`,
        headers: { 'X-Plex-Token': userToken },
      });
      const [title] = parseUpstreamBody(metadataSchema, body, this.discover, 'getMetadata').MediaContainer.Metadata ?? [];
      return guidNumber(title?.Guid, 'tmdb');
    } catch (err) {
      if (err instanceof UpstreamClientError && err.upstreamStatus === 404) return null;
      throw err;
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
