/**
 * The one way the media feature reaches Overseerr: title search and details
 * (cached briefly with the one cache; a 5xx for a title explained as "could
 * not load this title"), and requests created, read, retried and deleted —
 * created as the member (X-API-User through the linker, never silently as the
 * admin). Every call goes through the one instrumented HTTP client with the
 * `overseerr` breaker (integrations/overseerr.ts); without OVERSEERR_URL each
 * use answers 503 NOT_CONFIGURED, and the background reads report "not
 * configured" instead.
 */
import type { Cache } from '../../cache/cache';
import type { MediaType } from '../../db/schema';
import { AppError, errorMessage } from '../../errors';
import { upstreamFailureOf } from '../../integrations/http-client';
import type { CreateOverseerrRequest, OverseerrClient, OverseerrMediaRequest, OverseerrSearchPage } from '../../integrations/overseerr';
import { logger } from '../../observability/logging/logger';
import type { User } from '../users/user';
import type { OverseerrDetails } from './title-summary';
import type { OverseerrUserLinker } from './overseerr-users';

export const SEARCH_TTL_SECONDS = 60;
export const DETAILS_TTL_SECONDS = 120;

/**
 * Overseerr answers 500 for an id TMDB does not know (its details,
 * recommendations and similar titles alike), so a 5xx there is explained as
 * "could not load this title", still a 503 (it is not our bug, and could be
 * an outage). Anything else is passed on as it is.
 */
export function titleLoadFailure(err: unknown, mediaType: MediaType, tmdbId: number): unknown {
  if (upstreamFailureOf(err) !== 'server_error') return err;
  return new AppError(
    503,
    'UPSTREAM_UNAVAILABLE',
    `Overseerr could not load ${mediaType === 'movie' ? 'movie' : 'show'} ${tmdbId}: it answered with an error. ` +
      'The id may not exist on TMDB, or Overseerr is having trouble.',
    { details: { service: 'overseerr', failure: 'server_error' }, headers: (err as AppError).headers, cause: err },
  );
}

export class OverseerrGateway {
  constructor(
    private readonly overseerr: OverseerrClient | undefined,
    private readonly linker: OverseerrUserLinker | undefined,
    private readonly cache: Cache,
  ) {}

  /** Whether OVERSEERR_URL and OVERSEERR_API_KEY are set (the background jobs skip their run without). */
  get configured(): boolean {
    return this.overseerr !== undefined;
  }

  /** One page of Overseerr's search for a normalised query, cached. */
  async search(query: string, page: number): Promise<OverseerrSearchPage> {
    const overseerr = this.client();
    return this.cache.wrap(`overseerr:search:${page}:${query.toLowerCase()}`, SEARCH_TTL_SECONDS, () => overseerr.search(query, page));
  }

  /**
   * Overseerr's details of a title, cached: as the API key's admin, or as a
   * member (`asMember`: X-API-User, their own cached copy for `ttlSeconds`).
   */
  async details(
    mediaType: MediaType,
    tmdbId: number,
    asMember?: { userId: string; overseerrUserId: number; ttlSeconds: number },
  ): Promise<OverseerrDetails> {
    const overseerr = this.client();
    const actAs = asMember?.overseerrUserId;
    const key = asMember ? `${this.detailsKey(mediaType, tmdbId)}:member:${asMember.userId}` : this.detailsKey(mediaType, tmdbId);
    try {
      return await this.cache.wrap(key, asMember?.ttlSeconds ?? DETAILS_TTL_SECONDS, async (): Promise<OverseerrDetails> =>
        mediaType === 'movie'
          ? { mediaType: 'movie', movie: await overseerr.movie(tmdbId, actAs) }
          : { mediaType: 'tv', tv: await overseerr.tv(tmdbId, actAs) },
      );
    } catch (err) {
      throw titleLoadFailure(err, mediaType, tmdbId);
    }
  }

  /** Forgets the cached details of a title (after a request or a status change). */
  async invalidate(mediaType: MediaType, tmdbId: number): Promise<void> {
    await this.cache.delete(this.detailsKey(mediaType, tmdbId));
  }

  /**
   * Creates the request in Overseerr as the member, so the owner's approval
   * rules and quotas apply. Without a matching Overseerr user it refuses (409)
   * instead of requesting as the admin, whom Overseerr auto-approves.
   */
  async createAs(user: User, input: CreateOverseerrRequest): Promise<OverseerrMediaRequest> {
    const overseerr = this.client();
    if (!this.linker) throw AppError.notConfigured('Overseerr');
    return overseerr.createRequest(input, await this.linker.require(user));
  }

  /** A request as Overseerr has it now; undefined when Overseerr no longer has it. */
  async request(overseerrId: number): Promise<OverseerrMediaRequest | undefined> {
    return this.client().getRequest(overseerrId);
  }

  /** The same read, best effort: undefined when Overseerr is not configured or the read fails. */
  async tryRequest(overseerrId: number): Promise<OverseerrMediaRequest | undefined> {
    if (!this.overseerr) return undefined;
    try {
      return await this.overseerr.getRequest(overseerrId);
    } catch (err) {
      logger().debug(
        { event: 'request.upstream_read_failed', overseerr_request_id: overseerrId, err: errorMessage(err) },
        'Could not read a request from Overseerr',
      );
      return undefined;
    }
  }

  /** Sends a request to Radarr/Sonarr again; undefined when Overseerr no longer has it. */
  async retry(overseerrId: number): Promise<OverseerrMediaRequest | undefined> {
    return this.client().retryRequest(overseerrId);
  }

  async delete(overseerrId: number): Promise<void> {
    await this.client().deleteRequest(overseerrId);
  }

  private detailsKey(mediaType: MediaType, tmdbId: number): string {
    return `overseerr:${mediaType}:${tmdbId}`;
  }

  private client(): OverseerrClient {
    if (!this.overseerr) throw AppError.notConfigured('Overseerr');
    return this.overseerr;
  }
}
