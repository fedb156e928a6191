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
import type { OverseerrClient, OverseerrMediaInfo, OverseerrMovie, OverseerrSearchResult, OverseerrTv } from '../../integrations/overseerr';
import type { User } from '../users/user';
import { availabilityFromMediaInfo, availabilityFromMediaStatus, combineAvailability, standingFor } from './request-status';
import type { MediaRequestRow, MediaRequestsRepository } from './requests.repository';
import type { MediaDetails, MediaSummary, SearchPage } from '@medianest/contracts';

export const SEARCH_TTL_SECONDS = 60;
export const DETAILS_TTL_SECONDS = 120;

export type OverseerrDetails = { mediaType: 'movie'; movie: OverseerrMovie } | { mediaType: 'tv'; tv: OverseerrTv };

function yearOf(date: string | null | undefined): number | null {
  const m = date ? /^(\d{4})/.exec(date) : null;
  return m ? Number(m[1]) : null;
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
    const titles = raw.results.filter(
      (r): r is OverseerrSearchResult & { mediaType: MediaType } => r.mediaType === 'movie' || r.mediaType === 'tv',
    );
    const ours = await this.requests.findActiveForTitles([...new Set(titles.map((t) => t.id))]);
    return {
      page: raw.page,
      totalPages: raw.totalPages,
      // People are left out, so they do not count either (exact for a single page, the best estimate beyond).
      totalResults: Math.max(titles.length, raw.totalResults - (raw.results.length - titles.length)),
      results: titles.map((t) =>
        this.summary(user, t.mediaType, t.id, {
          title: (t.mediaType === 'movie' ? t.title : t.name) ?? t.title ?? t.name ?? '',
          date: t.mediaType === 'movie' ? t.releaseDate : t.firstAirDate,
          overview: t.overview,
          posterPath: t.posterPath,
          backdropPath: t.backdropPath,
          voteAverage: t.voteAverage,
          mediaInfo: t.mediaInfo,
          ours: ours.filter((r) => r.mediaType === t.mediaType && r.tmdbId === t.id),
        }),
      ),
    };
  }

  async details(user: User, mediaType: MediaType, tmdbId: number): Promise<MediaDetails> {
    const d = await this.overseerrDetails(mediaType, tmdbId);
    const ours = await this.requests.findActiveForMedia(mediaType, tmdbId);
    if (d.mediaType === 'movie') {
      const m = d.movie;
      return {
        ...this.summary(user, 'movie', tmdbId, {
          title: m.title,
          date: m.releaseDate,
          overview: m.overview,
          posterPath: m.posterPath,
          backdropPath: m.backdropPath,
          voteAverage: m.voteAverage,
          mediaInfo: m.mediaInfo,
          ours,
        }),
        tagline: m.tagline ?? null,
        runtime: m.runtime ?? null,
        genres: (m.genres ?? []).map((g) => g.name),
        status: m.status ?? null,
        numberOfSeasons: null,
        seasons: [],
      };
    }
    const t = d.tv;
    const seasonStatus = new Map((t.mediaInfo?.seasons ?? []).map((s) => [s.seasonNumber, s.status]));
    const requestedSeasons = (n: number) => standingFor(t.mediaInfo, ours).some((r) => r.seasons === null || r.seasons.includes(n));
    return {
      ...this.summary(user, 'tv', tmdbId, {
        title: t.name,
        date: t.firstAirDate,
        overview: t.overview,
        posterPath: t.posterPath,
        backdropPath: t.backdropPath,
        voteAverage: t.voteAverage,
        mediaInfo: t.mediaInfo,
        ours,
      }),
      tagline: t.tagline ?? null,
      runtime: null,
      genres: (t.genres ?? []).map((g) => g.name),
      status: t.status ?? null,
      numberOfSeasons: t.numberOfSeasons ?? null,
      seasons: t.seasons.map((s) => {
        const fromOverseerr = availabilityFromMediaStatus(seasonStatus.get(s.seasonNumber));
        return {
          seasonNumber: s.seasonNumber,
          name: s.name ?? null,
          episodeCount: s.episodeCount ?? null,
          airDate: s.airDate ?? null,
          availability: fromOverseerr === 'none' && requestedSeasons(s.seasonNumber) ? 'requested' : fromOverseerr,
        };
      }),
    };
  }

  /**
   * Overseerr's details of a title, cached. Overseerr answers 500 for an id
   * TMDB does not know, so a 5xx here is explained to the user as "could not
   * load this title", still a 503 (it is not our bug, and could be an outage).
   */
  async overseerrDetails(mediaType: MediaType, tmdbId: number): Promise<OverseerrDetails> {
    const overseerr = this.client();
    try {
      return await this.cache.wrap(this.detailsKey(mediaType, tmdbId), DETAILS_TTL_SECONDS, async (): Promise<OverseerrDetails> =>
        mediaType === 'movie'
          ? { mediaType: 'movie', movie: await overseerr.movie(tmdbId) }
          : { mediaType: 'tv', tv: await overseerr.tv(tmdbId) },
      );
    } catch (err) {
      if (upstreamFailureOf(err) === 'server_error') {
        throw new AppError(
          503,
          'UPSTREAM_UNAVAILABLE',
          `Overseerr could not load ${mediaType === 'movie' ? 'movie' : 'show'} ${tmdbId}: it answered with an error. ` +
            'The id may not exist on TMDB, or Overseerr is having trouble.',
          { details: { service: 'overseerr', failure: 'server_error' }, headers: (err as AppError).headers, cause: err },
        );
      }
      throw err;
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

  private summary(
    user: User,
    mediaType: MediaType,
    tmdbId: number,
    t: {
      title: string;
      date: string | null | undefined;
      overview: string | null | undefined;
      posterPath: string | null | undefined;
      backdropPath: string | null | undefined;
      voteAverage: number | null | undefined;
      mediaInfo: OverseerrMediaInfo | null | undefined;
      ours: MediaRequestRow[];
    },
  ): MediaSummary {
    const ours = standingFor(t.mediaInfo, t.ours);
    const own = ours.find((r) => r.userId === user.id);
    return {
      mediaType,
      tmdbId,
      title: t.title,
      year: yearOf(t.date),
      releaseDate: t.date ?? null,
      overview: t.overview ?? null,
      posterPath: t.posterPath ?? null,
      backdropPath: t.backdropPath ?? null,
      voteAverage: t.voteAverage ?? null,
      availability: combineAvailability(
        availabilityFromMediaInfo(t.mediaInfo),
        ours.map((r) => r.status),
      ),
      requestId: own?.id ?? null,
      requestStatus: own?.status ?? null,
    };
  }
}
