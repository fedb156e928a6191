/**
 * The shapes the pages work with. The server's answers are the contract's
 * types (@medianest/contracts), returned typed by `api.get/post/…` for each
 * route template; the few view shapes below are computed from them here, so
 * a change to a field the web app reads fails this file's type check.
 */
import type {
  ApiResponse,
  MediaType,
  MediaRequestDetail as MediaRequestDetailBody,
  MediaSummary,
  PlayableLibraryItem,
  PublicMediaRequest,
  PublicMonitoredService,
  PublicUser,
  ServiceStatusEntry,
} from '@medianest/contracts';
import { i18next } from '../i18n';

export type {
  Availability,
  DownloadProgress,
  FollowState,
  IssueStatus,
  IssueType,
  ProblemReport,
  ProblemReportList,
  MediaType,
  RequestQuota,
  RequestStatus,
  ResetLink,
  SearchPage,
  TimelineEntry,
  CastMember,
  DiscoverRow,
  TitleDetails,
  TitleListPage,
  TitleSeason,
} from '@medianest/contracts';
/** Who a password reset link is for, and until when it works. */
export type ResetLinkInfo = ApiResponse<'POST /api/v1/auth/password-reset/inspect'>;
/** The shortest password the server accepts. */
export { MIN_PASSWORD_LENGTH } from '@medianest/contracts';
export type User = PublicUser;
export type Role = PublicUser['role'];
export type SearchResult = MediaSummary;
export type MediaRequest = PublicMediaRequest;
/** One request with its timeline and, once available, its Play on Plex link. */
export type MediaRequestDetail = MediaRequestDetailBody;
export type ServiceState = ServiceStatusEntry['status'];
export type MonitoredService = PublicMonitoredService;

/** A library title as a card shows it. */
export interface LibraryItem {
  key: string;
  title: string;
  year: number | null;
  /** A same-origin (proxied) image URL; never a direct Plex URL. */
  image: string | null;
  addedAt: string | null;
  /** Episodes and seasons: the show and the season / episode numbers. */
  subtitle: string | null;
  /** Opens the item in Plex. */
  playUrl: string | null;
  /** Where "Report a problem" sends the member (movies and whole shows Overseerr can find by TMDB id); null otherwise. */
  reportUrl: string | null;
}

/** The page that reports a problem with one title in Plex. */
export function reportProblemUrl(mediaType: MediaType, tmdbId: number, title: string): string {
  return `/problems/new?${new URLSearchParams({ mediaType, tmdbId: String(tmdbId), title }).toString()}`;
}

function reportUrlOf(item: PlayableLibraryItem): string | null {
  if (item.tmdbId === null) return null;
  if (item.type === 'movie') return reportProblemUrl('movie', item.tmdbId, item.title);
  if (item.type === 'show') return reportProblemUrl('tv', item.tmdbId, item.title);
  return null;
}

/** Only Plex Web links: anything else from the server is dropped rather than rendered as a link. */
export function safePlayUrl(url: string | null | undefined): string | null {
  return url?.startsWith('https://app.plex.tv/') ? url : null;
}

function subtitleOf(item: PlayableLibraryItem): string | null {
  const show = item.showTitle;
  if (!show) return null;
  const season = item.seasonNumber;
  if (season !== null && item.episodeNumber !== null)
    return `${show} · ${i18next.t('library:episodeTag', { season, episode: item.episodeNumber })}`;
  if (season !== null) return `${show} · ${i18next.t('library:season', { season })}`;
  return show;
}

export function toLibraryItem(item: PlayableLibraryItem): LibraryItem {
  // Only same-origin API URLs: a raw Plex thumb path would break the CSP or leak a token.
  const image = item.thumbUrl?.startsWith('/api/') ? item.thumbUrl : null;
  return {
    key: item.ratingKey,
    title: item.title,
    year: item.year,
    image,
    addedAt: item.addedAt,
    subtitle: subtitleOf(item),
    playUrl: safePlayUrl(item.playUrl),
    reportUrl: reportUrlOf(item),
  };
}

export function toLibraryItems(
  body: ApiResponse<'GET /api/v1/plex/recently-added'> | ApiResponse<'GET /api/v1/plex/libraries/:key/items'>,
): LibraryItem[] {
  return body.items.map(toLibraryItem);
}

/** Every request status (the admin filter lists them). */
export { requestStatuses as REQUEST_STATUSES } from '@medianest/contracts';

/** TMDB poster URL at the width the cards use (allowed by the CSP). */
/** A title's own page in the web app (`/movie/603`, `/tv/1399`). */
export function titlePath(mediaType: MediaType, tmdbId: number): string {
  return `/${mediaType}/${tmdbId}`;
}

/** Only YouTube watch pages: a trailer is a link out, never embedded or fetched. */
export function safeTrailerUrl(url: string | null | undefined): string | null {
  return url && /^https:\/\/www\.youtube\.com\/watch\?v=[\w-]{1,32}$/.test(url) ? url : null;
}

export function posterUrl(posterPath: string | null): string | null {
  return posterPath && /^\/[\w.-]+$/.test(posterPath) ? `https://image.tmdb.org/t/p/w342${posterPath}` : null;
}
