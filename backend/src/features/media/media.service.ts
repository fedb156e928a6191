/**
 * Search and title details, proxied from Overseerr (cached briefly with the
 * one cache) and marked for the caller: is it available, being processed,
 * requested already (in Overseerr or through MediaNest), and the caller's own
 * request id when there is one. People are left out of search results.
 */
import type { Cache } from '../../cache/cache';
import type { MediaType } from '../../db/schema';
import { AppError } from '../../errors';
import { upstreamFailureOf } from '../../integrations/http-client';
import type { OverseerrClient } from '../../integrations/overseerr';
import type { User } from '../users/user';
import type { MediaRequestsRepository } from './requests.repository';
import { detailsOf, summarizeResults, titleIds, type OverseerrDetails } from './title-summary';
import type { MediaDetails, SearchPage } from '@medianest/contracts';

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

export class MediaService {
  constructor(
    private readonly overseerr: OverseerrClient | undefined,
    private readonly requests: MediaRequestsRepository,
    private readonly cache: Cache,
  ) {}

  async search(user: User, query: string, page: number): Promise<SearchPage> {
    const overseerr = this.client();
    const normalized = query.trim().replace(/\s+/g, ' ');
    const raw = await this.cache.wrap(`overseerr:search:${page}:${normalized.toLowerCase()}`, SEARCH_TTL_SECONDS, () =>
      overseerr.search(normalized, page),
    );
    const ids = titleIds(raw.results);
    const results = summarizeResults(user, raw.results, await this.requests.findActiveForTitles(ids));
    return {
      page: raw.page,
      totalPages: raw.totalPages,
      // People are left out, so they do not count either (exact for a single page, the best estimate beyond).
      totalResults: Math.max(results.length, raw.totalResults - (raw.results.length - results.length)),
      results,
    };
  }

  async details(user: User, mediaType: MediaType, tmdbId: number): Promise<MediaDetails> {
    const d = await this.overseerrDetails(mediaType, tmdbId);
    return detailsOf(user, d, await this.requests.findActiveForMedia(mediaType, tmdbId));
  }

  /**
   * Overseerr's details of a title, cached: as the API key's admin, or as a
   * member (`asMember`: X-API-User, their own cached copy for `ttlSeconds`).
   */
  async overseerrDetails(
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

  private detailsKey(mediaType: MediaType, tmdbId: number): string {
    return `overseerr:${mediaType}:${tmdbId}`;
  }

  private client(): OverseerrClient {
    if (!this.overseerr) throw AppError.notConfigured('Overseerr');
    return this.overseerr;
  }
}
