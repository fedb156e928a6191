/**
 * Search and title details, proxied from Overseerr (through the gateway,
 * which caches them briefly) and marked for the caller: is it available, being processed,
 * requested already (in Overseerr or through MediaNest), and the caller's own
 * request id when there is one. People are left out of search results.
 */
import type { MediaType } from '../../db/schema';
import type { OverseerrMediaInfo, OverseerrSearchResult } from '../../integrations/overseerr';
import type { User } from '../users/users.repository';
import type { OverseerrGateway } from './overseerr-gateway';
import { availabilityFromMediaInfo, availabilityFromMediaStatus, combineAvailability, standingFor } from './request-status';
import type { MediaRequestRow, MediaRequestsRepository } from './requests.repository';
import type { MediaDetails, MediaSummary, SearchPage } from '@medianest/contracts';

function yearOf(date: string | null | undefined): number | null {
  const m = date ? /^(\d{4})/.exec(date) : null;
  return m ? Number(m[1]) : null;
}

export class MediaService {
  constructor(
    private readonly overseerr: OverseerrGateway,
    private readonly requests: MediaRequestsRepository,
  ) {}

  async search(user: User, query: string, page: number): Promise<SearchPage> {
    const raw = await this.overseerr.search(query.trim().replace(/\s+/g, ' '), page);
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
    const d = await this.overseerr.details(mediaType, tmdbId);
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
