/**
 * Overseerr API v1 client (`/api/v1`), on the one instrumented HTTP client.
 * Authenticates with `X-Api-Key`; requests are created ON BEHALF of the
 * MediaNest user with `X-API-User`: with the bare API key Overseerr would
 * treat every request as the admin's and approve it at once, bypassing the
 * owner's approval rules and quotas. Everything else acts as the API key's
 * admin.
 *
 * `GET /user` is not in Overseerr's published API notes. Its shape was checked against
 * sct/overseerr `server/routes/user/index.ts`: `?take=&skip=` paging, answer
 * `{pageInfo:{pages,pageSize,results,page}, results:[User]}`, and a User
 * carries `email` and `plexId` only when the acting user may manage users
 * (true for the API key, which acts as user 1). Matching relies on that.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { HttpClient, parseUpstreamBody, UpstreamClientError, upstreamMessage } from './http-client';

/**
 * Overseerr's MediaStatus (server/constants/media.ts). Seerr adds
 * BLOCKLISTED (6: may not be requested, Seerr answers 403) and DELETED (7:
 * gone from Plex; requestable again, and requests that made it available
 * once are history).
 */
export const MediaStatus = {
  UNKNOWN: 1,
  PENDING: 2,
  PROCESSING: 3,
  PARTIALLY_AVAILABLE: 4,
  AVAILABLE: 5,
  BLOCKLISTED: 6,
  DELETED: 7,
} as const;
/** Overseerr's MediaRequestStatus; COMPLETED only exists in Seerr. */
export const MediaRequestStatus = { PENDING: 1, APPROVED: 2, DECLINED: 3, FAILED: 4, COMPLETED: 5 } as const;

const nullableString = z.string().nullish();

const requestSummarySchema = z.looseObject({
  id: z.number(),
  status: z.number(),
  requestedBy: z.looseObject({ id: z.number() }).nullish(),
  /** TV: the seasons this request asks for (title details carry them). */
  seasons: z.array(z.looseObject({ seasonNumber: z.number() })).optional(),
});

const mediaInfoSchema = z.looseObject({
  id: z.number().optional(),
  tmdbId: z.number().nullish(),
  status: z.number(),
  status4k: z.number().optional(),
  seasons: z.array(z.looseObject({ seasonNumber: z.number(), status: z.number() })).optional(),
  requests: z.array(requestSummarySchema).optional(),
  /** The title's Plex rating key once a scan found it (Play on Plex). */
  ratingKey: z.union([z.string(), z.number()]).transform(String).nullish(),
});
export type OverseerrMediaInfo = z.infer<typeof mediaInfoSchema>;

const searchResultSchema = z.looseObject({
  id: z.number(),
  mediaType: z.string(),
  title: z.string().optional(),
  name: z.string().optional(),
  releaseDate: nullableString,
  firstAirDate: nullableString,
  overview: nullableString,
  posterPath: nullableString,
  backdropPath: nullableString,
  voteAverage: z.number().nullish(),
  mediaInfo: mediaInfoSchema.nullish(),
});
export type OverseerrSearchResult = z.infer<typeof searchResultSchema>;

const searchPageSchema = z.looseObject({
  page: z.number(),
  totalPages: z.number(),
  totalResults: z.number(),
  results: z.array(searchResultSchema),
});
export type OverseerrSearchPage = z.infer<typeof searchPageSchema>;

/** GET /discover/genreslider/{movie|tv}: the genres Overseerr offers rows for (with a few backdrops each). */
const genreSliderSchema = z.array(z.looseObject({ id: z.number(), name: z.string() }));
export type OverseerrGenre = z.infer<typeof genreSliderSchema>[number];

/** Where a page of discovered titles comes from. */
export type DiscoverSource =
  | { list: 'trending' }
  | { list: 'popular' | 'upcoming'; mediaType: 'movie' | 'tv' }
  | { list: 'genre'; mediaType: 'movie' | 'tv'; genreId: number };

/** The route of a Discover list and its fixed `operation` name (a metric label). */
function discoverRoute(source: DiscoverSource): { path: string; operation: string } {
  if (source.list === 'trending') return { path: '/api/v1/discover/trending', operation: 'discoverTrending' };
  const movie = source.mediaType === 'movie';
  const base = `/api/v1/discover/${movie ? 'movies' : 'tv'}`;
  switch (source.list) {
    case 'popular':
      return { path: base, operation: movie ? 'discoverMovies' : 'discoverTv' };
    case 'upcoming':
      return { path: `${base}/upcoming`, operation: movie ? 'discoverUpcomingMovies' : 'discoverUpcomingTv' };
    case 'genre':
      return { path: `${base}/genre/${source.genreId}`, operation: movie ? 'discoverMovieGenre' : 'discoverTvGenre' };
  }
}

const actingAs = (userId: number | undefined) => (userId === undefined ? {} : { headers: { 'X-API-User': String(userId) } });

/** What title pages show beyond the facts: the cast (TMDB billing order) and the videos (trailers on YouTube). */
const creditsSchema = z.looseObject({
  cast: z
    .array(z.looseObject({ name: z.string(), character: nullableString, profilePath: nullableString, order: z.number().optional() }))
    .catch([]),
});
const relatedVideoSchema = z.looseObject({ key: z.string(), site: z.string(), type: z.string(), name: nullableString });
const titleExtras = {
  credits: creditsSchema.optional(),
  relatedVideos: z.array(relatedVideoSchema).catch([]).optional(),
};

const movieSchema = z.looseObject({
  ...titleExtras,
  id: z.number(),
  title: z.string(),
  releaseDate: nullableString,
  overview: nullableString,
  posterPath: nullableString,
  backdropPath: nullableString,
  runtime: z.number().nullish(),
  status: nullableString,
  tagline: nullableString,
  genres: z.array(z.looseObject({ id: z.number(), name: z.string() })).optional(),
  voteAverage: z.number().nullish(),
  mediaInfo: mediaInfoSchema.nullish(),
});
export type OverseerrMovie = z.infer<typeof movieSchema>;

const tvSchema = z.looseObject({
  ...titleExtras,
  /** Minutes per episode (TMDB lists one or several; often empty). */
  episodeRunTime: z.array(z.number()).catch([]).optional(),
  id: z.number(),
  name: z.string(),
  firstAirDate: nullableString,
  lastAirDate: nullableString,
  overview: nullableString,
  posterPath: nullableString,
  backdropPath: nullableString,
  status: nullableString,
  tagline: nullableString,
  numberOfSeasons: z.number().nullish(),
  numberOfEpisodes: z.number().nullish(),
  genres: z.array(z.looseObject({ id: z.number(), name: z.string() })).optional(),
  voteAverage: z.number().nullish(),
  seasons: z
    .array(
      z.looseObject({
        seasonNumber: z.number(),
        episodeCount: z.number().nullish(),
        name: nullableString,
        airDate: nullableString,
        posterPath: nullableString,
      }),
    )
    .default([]),
  mediaInfo: mediaInfoSchema.nullish(),
});
export type OverseerrTv = z.infer<typeof tvSchema>;

/**
 * One record of Radarr's or Sonarr's download queue as Overseerr attaches it
 * to a media (`downloadStatus`). Overseerr refreshes these every 60 s from the
 * first 10 queue records only, keeps them in memory (empty after its
 * restart), and sends `[]`, not null, when nothing is queued.
 */
const downloadingItemSchema = z.looseObject({
  size: z.number().catch(0),
  sizeLeft: z.number().catch(0),
  status: z.string().catch('unknown'),
  timeLeft: z.string().nullish(),
  estimatedCompletionTime: z.string().nullish(),
  title: z.string().catch(''),
  episode: z.looseObject({ seasonNumber: z.number(), episodeNumber: z.number() }).nullish(),
});

const overseerrPersonSchema = z.looseObject({
  id: z.number(),
  displayName: nullableString,
  username: nullableString,
  plexUsername: nullableString,
  email: nullableString,
});

/** How Overseerr names a user (its displayName rule: username, else Plex username, else e-mail); null for nobody. */
export function overseerrName(person: z.infer<typeof overseerrPersonSchema> | null | undefined): string | null {
  return person?.displayName || person?.username || person?.plexUsername || person?.email || null;
}

const mediaRequestSchema = z.looseObject({
  id: z.number(),
  status: z.number(),
  type: z.enum(['movie', 'tv']),
  is4k: z.boolean().optional(),
  seasons: z.array(z.looseObject({ seasonNumber: z.number(), status: z.number() })).optional(),
  media: z.looseObject({
    tmdbId: z.number().nullish(),
    status: z.number(),
    ratingKey: z.union([z.string(), z.number()]).transform(String).nullish(),
    seasons: z.array(z.looseObject({ seasonNumber: z.number(), status: z.number() })).optional(),
    downloadStatus: z.array(downloadingItemSchema).nullish(),
  }),
  requestedBy: overseerrPersonSchema.nullish(),
  /** Who last approved or declined it (null while pending, or auto-approved requests in some versions). */
  modifiedBy: overseerrPersonSchema.nullish(),
  /** ISO times; `updatedAt` moves when Overseerr approves or declines (the stall clock starts there). */
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type OverseerrMediaRequest = z.infer<typeof mediaRequestSchema>;

const userSchema = z.looseObject({
  id: z.number(),
  email: nullableString,
  plexId: z.number().nullish(),
  plexUsername: nullableString,
  username: nullableString,
  displayName: nullableString,
});
export type OverseerrUser = z.infer<typeof userSchema>;

const userPageSchema = z.looseObject({
  pageInfo: z.looseObject({ pages: z.number(), page: z.number().optional(), results: z.number().optional() }),
  results: z.array(userSchema),
});

const statusSchema = z.looseObject({ version: z.string(), commitTag: z.string().nullish() });

/**
 * One media type's quota (GET /user/{id}/quota). `days`, `limit` and
 * `remaining` are left out when no quota is set; `limit` is 0 for users who
 * bypass quotas. For TV, `used` counts seasons.
 */
const quotaPartSchema = z.looseObject({
  days: z.number().optional(),
  limit: z.number().optional(),
  used: z.number().catch(0),
  remaining: z.number().optional(),
  restricted: z.boolean().catch(false),
});
const quotaSchema = z.looseObject({ movie: quotaPartSchema, tv: quotaPartSchema });
export type OverseerrQuota = z.infer<typeof quotaSchema>;
export type OverseerrQuotaPart = z.infer<typeof quotaPartSchema>;

/** A request as listed (GET /request): enough to tell when it stops counting against a quota. */
const listedRequestSchema = z.looseObject({
  id: z.number(),
  status: z.number(),
  type: z.enum(['movie', 'tv']),
  createdAt: z.string(),
  seasons: z.array(z.looseObject({ seasonNumber: z.number() })).optional(),
});
export type OverseerrListedRequest = z.infer<typeof listedRequestSchema>;
const requestPageSchema = z.looseObject({
  pageInfo: z.looseObject({ pages: z.number() }),
  results: z.array(listedRequestSchema),
});

/** Overseerr's issue types (1–4) and statuses (1 open, 2 resolved). */
export const IssueType = { VIDEO: 1, AUDIO: 2, SUBTITLES: 3, OTHER: 4 } as const;
export const IssueStatus = { OPEN: 1, RESOLVED: 2 } as const;

const issueCommentSchema = z.looseObject({
  id: z.number(),
  message: z.string().catch(''),
  user: overseerrPersonSchema.nullish(),
  createdAt: z.string(),
});

const issueSchema = z.looseObject({
  id: z.number(),
  issueType: z.number(),
  status: z.number(),
  problemSeason: z.number().catch(0),
  problemEpisode: z.number().catch(0),
  media: z.looseObject({ id: z.number().optional(), tmdbId: z.number().nullish(), mediaType: z.string().optional() }).nullish(),
  createdBy: overseerrPersonSchema.nullish(),
  /**
   * Who last resolved or reopened it: null for nobody, absent (undefined)
   * when the answer does not say — GET /issue/{id} and the POST /issue answer
   * never carry it, the list and the answers of changes do.
   */
  modifiedBy: overseerrPersonSchema.nullish(),
  /** Only GET /issue/{id} and the answers of changes carry the comments (Seerr also lists them). */
  comments: z.array(issueCommentSchema).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OverseerrIssue = z.infer<typeof issueSchema>;
const issuePageSchema = z.looseObject({
  pageInfo: z.looseObject({ pages: z.number(), results: z.number().optional() }),
  results: z.array(issueSchema),
});

export interface CreateOverseerrIssue {
  issueType: number;
  message: string;
  /** Overseerr's own Media id (mediaInfo.id), not the TMDB id. */
  mediaId: number;
  /** 0 = every season / episode. */
  problemSeason: number;
  problemEpisode: number;
}

export interface CreateOverseerrRequest {
  mediaType: 'movie' | 'tv';
  tmdbId: number;
  /** TV only: season numbers; undefined asks for all seasons not requested yet. */
  seasons?: number[];
}

/** Pages of users read when matching an account (100 each): households have far fewer. */
const USER_PAGE_SIZE = 100;
const MAX_USER_PAGES = 20;
/** Pages of issues read when collecting a member's own (50 each). */
const ISSUE_PAGE_SIZE = 50;
const MAX_ISSUE_PAGES = 20;

export class OverseerrClient {
  constructor(private readonly http: HttpClient) {}

  /** GET /status (public; used by health probes). */
  /** The breaker probe: does /api/v1/status answer? */
  probe(): Promise<void> {
    return this.http.probe('/api/v1/status');
  }

  async status(): Promise<{ version: string; commitTag: string | null }> {
    const body = await this.http.json<unknown>({ operation: 'status', path: '/api/v1/status' });
    const { version, commitTag } = parseUpstreamBody(statusSchema, body, this.http, 'status');
    return { version, commitTag: commitTag ?? null };
  }

  async search(query: string, page: number): Promise<OverseerrSearchPage> {
    const body = await this.http.json<unknown>({ operation: 'search', path: '/api/v1/search', query: { query, page } });
    return parseUpstreamBody(searchPageSchema, body, this.http, 'search');
  }

  /**
   * One page of a Discover list as the member (X-API-User), so their
   * Overseerr settings (language, region) apply. Trending mixes people in.
   */
  async discover(source: DiscoverSource, page: number, actAsUserId: number): Promise<OverseerrSearchPage> {
    const { path, operation } = discoverRoute(source);
    const body = await this.http.json<unknown>({ operation, path, query: { page }, ...actingAs(actAsUserId) });
    return parseUpstreamBody(searchPageSchema, body, this.http, operation);
  }

  /** GET /discover/genreslider/{movie|tv} as the member: the genres to offer rows for. */
  async genreSlider(mediaType: 'movie' | 'tv', actAsUserId: number): Promise<OverseerrGenre[]> {
    const operation = mediaType === 'movie' ? 'genreSliderMovie' : 'genreSliderTv';
    const body = await this.http.json<unknown>({ operation, path: `/api/v1/discover/genreslider/${mediaType}`, ...actingAs(actAsUserId) });
    return parseUpstreamBody(genreSliderSchema, body, this.http, operation);
  }

  /** GET /{movie|tv}/{id}/{recommendations|similar} as the member; not retried (an unknown id is a 500 there too). */
  async related(
    mediaType: 'movie' | 'tv',
    tmdbId: number,
    list: 'recommendations' | 'similar',
    page: number,
    actAsUserId: number,
  ): Promise<OverseerrSearchPage> {
    const operation = `${mediaType}${list === 'similar' ? 'Similar' : 'Recommendations'}`;
    const body = await this.http.json<unknown>({
      operation,
      path: `/api/v1/${mediaType}/${tmdbId}/${list}`,
      query: { page },
      retries: 0,
      ...actingAs(actAsUserId),
    });
    return parseUpstreamBody(searchPageSchema, body, this.http, operation);
  }

  /**
   * GET /movie/{id}, as the API key's admin or, with `actAsUserId`, as the
   * member. Overseerr answers 500 for an unknown id, so such a call is not
   * retried (a retry cannot help and would only add breaker failures).
   */
  async movie(tmdbId: number, actAsUserId?: number): Promise<OverseerrMovie> {
    const body = await this.http.json<unknown>({
      operation: 'getMovie',
      path: `/api/v1/movie/${tmdbId}`,
      retries: 0,
      ...actingAs(actAsUserId),
    });
    return parseUpstreamBody(movieSchema, body, this.http, 'getMovie');
  }

  async tv(tmdbId: number, actAsUserId?: number): Promise<OverseerrTv> {
    const body = await this.http.json<unknown>({ operation: 'getTv', path: `/api/v1/tv/${tmdbId}`, retries: 0, ...actingAs(actAsUserId) });
    return parseUpstreamBody(tvSchema, body, this.http, 'getTv');
  }

  /**
   * POST /request as Overseerr user `actAsUserId` (X-API-User), so that
   * user's approval rules and quotas apply. Never retried (not idempotent).
   */
  async createRequest(input: CreateOverseerrRequest, actAsUserId: number): Promise<OverseerrMediaRequest> {
    let res;
    try {
      res = await this.http.request<unknown>({
        operation: 'createRequest',
        method: 'POST',
        path: '/api/v1/request',
        headers: { 'X-API-User': String(actAsUserId) },
        json: {
          mediaType: input.mediaType,
          mediaId: input.tmdbId,
          is4k: false,
          ...(input.mediaType === 'tv' ? { seasons: input.seasons ?? 'all' } : {}),
        },
      });
    } catch (err) {
      if (err instanceof UpstreamClientError) {
        const said = upstreamMessage(err.upstreamBody);
        if (err.upstreamStatus === 409) {
          throw AppError.conflict(`This title has already been requested in Overseerr${said ? ` (${said})` : ''}`, {
            reason: 'ALREADY_REQUESTED',
          });
        }
        if (err.upstreamStatus === 403 && said && /blocklisted/i.test(said)) {
          throw AppError.conflict(`This title is blocklisted in Overseerr and cannot be requested (${said})`, { reason: 'BLOCKLISTED' });
        }
        if (err.upstreamStatus === 403 && said && /quota exceeded/i.test(said)) {
          throw new AppError(403, 'QUOTA_EXCEEDED', `Overseerr refused the request: ${said}`, {
            details: { reason: 'QUOTA_EXCEEDED', mediaType: input.mediaType },
          });
        }
        if (err.upstreamStatus === 403) {
          throw AppError.forbidden(`Overseerr refused the request${said ? `: ${said}` : ''}`);
        }
      }
      throw err;
    }
    if (res.status === 202) {
      // Overseerr's way of saying every requested season is already requested or available.
      throw AppError.conflict(`Overseerr did not create a request: ${upstreamMessage(res.body) ?? 'nothing left to request'}`, {
        reason: 'NOTHING_TO_REQUEST',
      });
    }
    return parseUpstreamBody(mediaRequestSchema, res.body, this.http, 'createRequest');
  }

  /** GET /request/{id}; undefined when Overseerr no longer has it. */
  async getRequest(id: number): Promise<OverseerrMediaRequest | undefined> {
    try {
      const body = await this.http.json<unknown>({ operation: 'getRequest', path: `/api/v1/request/${id}` });
      return parseUpstreamBody(mediaRequestSchema, body, this.http, 'getRequest');
    } catch (err) {
      if (err instanceof UpstreamClientError && err.upstreamStatus === 404) return undefined;
      throw err;
    }
  }

  /** POST /request/{id}/retry (as the API key's admin): sends an approved request to Radarr/Sonarr again. Undefined when Overseerr no longer has it. */
  async retryRequest(id: number): Promise<OverseerrMediaRequest | undefined> {
    try {
      const res = await this.http.request<unknown>({ operation: 'retryRequest', method: 'POST', path: `/api/v1/request/${id}/retry` });
      return parseUpstreamBody(mediaRequestSchema, res.body, this.http, 'retryRequest');
    } catch (err) {
      if (err instanceof UpstreamClientError && err.upstreamStatus === 404) return undefined;
      throw err;
    }
  }

  /** DELETE /request/{id} (as the API key's admin; MediaNest already checked who may cancel). False when it was already gone. */
  async deleteRequest(id: number): Promise<boolean> {
    try {
      await this.http.request<unknown>({ operation: 'deleteRequest', method: 'DELETE', path: `/api/v1/request/${id}` });
      return true;
    } catch (err) {
      if (err instanceof UpstreamClientError && err.upstreamStatus === 404) return false;
      throw err;
    }
  }

  /** GET /user/{id}/quota as that user (X-API-User: a member may read their own quota). */
  async quota(overseerrUserId: number): Promise<OverseerrQuota> {
    const body = await this.http.json<unknown>({
      operation: 'getQuota',
      path: `/api/v1/user/${overseerrUserId}/quota`,
      headers: { 'X-API-User': String(overseerrUserId) },
    });
    return parseUpstreamBody(quotaSchema, body, this.http, 'getQuota');
  }

  /** The latest `take` requests made by an Overseerr user, newest first (GET /request?requestedBy=, as the admin). */
  async requestsBy(overseerrUserId: number, take: number): Promise<OverseerrListedRequest[]> {
    const body = await this.http.json<unknown>({
      operation: 'listRequests',
      path: '/api/v1/request',
      query: { take, skip: 0, sort: 'added', filter: 'all', requestedBy: overseerrUserId },
    });
    return parseUpstreamBody(requestPageSchema, body, this.http, 'listRequests').results;
  }

  /**
   * POST /issue as the member (X-API-User), so the issue, its first comment
   * and later changes are theirs. Overseerr answers 200 with the issue. Never
   * retried (not idempotent). A 403 means the member lacks CREATE_ISSUES.
   */
  async createIssue(input: CreateOverseerrIssue, actAsUserId: number): Promise<OverseerrIssue> {
    const res = await this.http.request<unknown>({
      operation: 'createIssue',
      method: 'POST',
      path: '/api/v1/issue',
      headers: { 'X-API-User': String(actAsUserId) },
      json: input,
    });
    return parseUpstreamBody(issueSchema, res.body, this.http, 'createIssue');
  }

  /**
   * The member's own issues, most recently changed first, at most `take`.
   * Overseerr/Seerr have no user filter that works here: the route code reads
   * `createdBy`, but the server checks every query against its API
   * description, which does not declare it (400 "Unknown query parameter
   * 'createdBy'"), and the declared `requestedBy` is never read. So: GET
   * /issue as the member (without VIEW_ISSUES they get only their own; with
   * it, everyone's), paged, keeping those whose `createdBy` is the member.
   */
  async issuesBy(overseerrUserId: number, take: number): Promise<OverseerrIssue[]> {
    const mine: OverseerrIssue[] = [];
    for (let page = 0; page < MAX_ISSUE_PAGES && mine.length < take; page++) {
      const body = await this.http.json<unknown>({
        operation: 'listIssues',
        path: '/api/v1/issue',
        headers: { 'X-API-User': String(overseerrUserId) },
        query: { take: ISSUE_PAGE_SIZE, skip: page * ISSUE_PAGE_SIZE, sort: 'modified', filter: 'all' },
      });
      const { pageInfo, results } = parseUpstreamBody(issuePageSchema, body, this.http, 'listIssues');
      mine.push(...results.filter((i) => i.createdBy?.id === overseerrUserId));
      if (page + 1 >= pageInfo.pages || results.length === 0) break;
    }
    return mine.slice(0, take);
  }

  /** GET /issue/{id} as the member (or, without `actAsUserId`, as the API key's admin: the issue-sync job), with its comments. */
  async issue(id: number, actAsUserId?: number): Promise<OverseerrIssue> {
    const body = await this.http.json<unknown>({
      operation: 'getIssue',
      path: `/api/v1/issue/${id}`,
      ...(actAsUserId === undefined ? {} : { headers: { 'X-API-User': String(actAsUserId) } }),
    });
    return parseUpstreamBody(issueSchema, body, this.http, 'getIssue');
  }

  /** POST /issue/{id}/comment as the member; answers the issue. Never retried. */
  async commentOnIssue(id: number, message: string, actAsUserId: number): Promise<OverseerrIssue> {
    const res = await this.http.request<unknown>({
      operation: 'commentOnIssue',
      method: 'POST',
      path: `/api/v1/issue/${id}/comment`,
      headers: { 'X-API-User': String(actAsUserId) },
      json: { message },
    });
    return parseUpstreamBody(issueSchema, res.body, this.http, 'commentOnIssue');
  }

  /** One page of GET /user (as admin, so email and plexId are included). */
  async listUsers(take: number, skip: number): Promise<{ pages: number; users: OverseerrUser[] }> {
    const body = await this.http.json<unknown>({ operation: 'listUsers', path: '/api/v1/user', query: { take, skip } });
    const page = parseUpstreamBody(userPageSchema, body, this.http, 'listUsers');
    return { pages: page.pageInfo.pages, users: page.results };
  }

  /** The Overseerr user with this Plex account id, else with this e-mail (case-insensitive). */
  async findUser(match: { plexId?: number; email?: string | null }): Promise<OverseerrUser | undefined> {
    const all: OverseerrUser[] = [];
    for (let page = 0; page < MAX_USER_PAGES; page++) {
      const { pages, users } = await this.listUsers(USER_PAGE_SIZE, page * USER_PAGE_SIZE);
      all.push(...users);
      if (page + 1 >= pages || users.length === 0) break;
    }
    if (match.plexId !== undefined) {
      const byPlex = all.find((u) => u.plexId === match.plexId);
      if (byPlex) return byPlex;
    }
    const email = match.email?.trim().toLowerCase();
    if (email) return all.find((u) => u.email?.trim().toLowerCase() === email);
    return undefined;
  }
}
