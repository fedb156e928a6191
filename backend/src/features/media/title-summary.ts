/**
 * How a title Overseerr answered becomes what a member sees: its facts, its
 * availability (Overseerr's media status combined with the requests in our
 * own database, which may be newer than a cached answer) and the member's own
 * request. One mapping for search results, Discover rows and title pages.
 */
import type { MediaType } from '../../db/schema';
import type { OverseerrMediaInfo, OverseerrMovie, OverseerrSearchResult, OverseerrTv } from '../../integrations/overseerr';
import { MediaRequestStatus } from '../../integrations/overseerr';
import type { User } from '../users/user';
import { availabilityFromMediaInfo, availabilityFromMediaStatus, combineAvailability, standingFor } from './request-status';
import type { MediaRequestRow } from './requests.repository';
import type { MediaDetails, MediaSummary } from '@medianest/contracts';

export type OverseerrDetails = { mediaType: 'movie'; movie: OverseerrMovie } | { mediaType: 'tv'; tv: OverseerrTv };

export interface TitleFacts {
  title: string;
  date: string | null | undefined;
  overview: string | null | undefined;
  posterPath: string | null | undefined;
  backdropPath: string | null | undefined;
  voteAverage: number | null | undefined;
  mediaInfo: OverseerrMediaInfo | null | undefined;
  /** Our active requests for this title. */
  ours: MediaRequestRow[];
}

function yearOf(date: string | null | undefined): number | null {
  const m = date ? /^(\d{4})/.exec(date) : null;
  return m ? Number(m[1]) : null;
}

export function summarize(user: User, mediaType: MediaType, tmdbId: number, t: TitleFacts): MediaSummary {
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

/** Search or Discover results as cards: movies and shows only (people are left out), each with our requests for it. */
export function summarizeResults(user: User, results: OverseerrSearchResult[], ours: MediaRequestRow[]): MediaSummary[] {
  return results
    .filter((r): r is OverseerrSearchResult & { mediaType: MediaType } => r.mediaType === 'movie' || r.mediaType === 'tv')
    .map((t) =>
      summarize(user, t.mediaType, t.id, {
        title: (t.mediaType === 'movie' ? t.title : t.name) ?? t.title ?? t.name ?? '',
        date: t.mediaType === 'movie' ? t.releaseDate : t.firstAirDate,
        overview: t.overview,
        posterPath: t.posterPath,
        backdropPath: t.backdropPath,
        voteAverage: t.voteAverage,
        mediaInfo: t.mediaInfo,
        ours: ours.filter((r) => r.mediaType === t.mediaType && r.tmdbId === t.id),
      }),
    );
}

/** The tmdb ids of the movies and shows among results (what our own requests are looked up by). */
export function titleIds(results: OverseerrSearchResult[]): number[] {
  return [...new Set(results.filter((r) => r.mediaType === 'movie' || r.mediaType === 'tv').map((r) => r.id))];
}

/**
 * Whether anyone stands behind season `n`: one of our requests covering it,
 * or an open request in Overseerr itself (title details carry them).
 */
function seasonRequested(info: OverseerrMediaInfo | null | undefined, ours: MediaRequestRow[], n: number): boolean {
  if (standingFor(info, ours).some((r) => r.seasons === null || r.seasons.includes(n))) return true;
  return (info?.requests ?? []).some(
    (r) =>
      (r.status === MediaRequestStatus.PENDING || r.status === MediaRequestStatus.APPROVED) &&
      (r.seasons ?? []).some((s) => s.seasonNumber === n),
  );
}

export function detailsOf(user: User, d: OverseerrDetails, ours: MediaRequestRow[]): MediaDetails {
  if (d.mediaType === 'movie') {
    const m = d.movie;
    return {
      ...summarize(user, 'movie', m.id, {
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
  return {
    ...summarize(user, 'tv', t.id, {
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
    runtime: t.episodeRunTime?.[0] ?? null,
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
        availability: fromOverseerr === 'none' && seasonRequested(t.mediaInfo, ours, s.seasonNumber) ? 'requested' : fromOverseerr,
      };
    }),
  };
}
