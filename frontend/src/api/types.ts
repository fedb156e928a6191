/**
 * The shapes the pages work with, and the functions that read them from API
 * responses. Readers accept the server's field names and tolerate missing
 * optional fields, so a partial answer renders instead of crashing a page.
 */
import { bool, field, isObject, num, objects, str, type JsonObject } from './read';

export type Role = 'admin' | 'user';

export interface User {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  enabled: boolean;
  plexUsername: string | null;
  thumb: string | null;
  createdAt: string | null;
  lastLoginAt: string | null;
}

export function readUser(value: unknown): User | undefined {
  if (!isObject(value)) return undefined;
  const id = str(value.id);
  const username = str(value.username);
  if (!id || !username) return undefined;
  return {
    id,
    username,
    email: str(value.email) ?? null,
    role: value.role === 'admin' ? 'admin' : 'user',
    enabled: bool(value.enabled) ?? true,
    plexUsername: str(value.plexUsername) ?? null,
    thumb: str(value.thumb) ?? null,
    createdAt: str(value.createdAt) ?? null,
    lastLoginAt: str(value.lastLoginAt) ?? null,
  };
}

/** `{ user }` or a bare user object. */
export function readUserResponse(value: unknown): User | undefined {
  return readUser(isObject(value) && isObject(value.user) ? value.user : value);
}

/** A one-time link an administrator hands to a member to set a password. */
export interface ResetLink {
  url: string;
  expiresAt: string | null;
}

/** `{ resetLink: { url, expiresAt } }` from creating an account or asking for a reset link. */
export function readResetLink(value: unknown): ResetLink | undefined {
  const link = isObject(value) && isObject(value.resetLink) ? value.resetLink : undefined;
  const url = link && str(link.url);
  if (!link || !url) return undefined;
  return { url, expiresAt: str(link.expiresAt) ?? null };
}

/** Who a reset link is for, and until when it works. */
export interface ResetLinkInfo {
  username: string;
  expiresAt: string | null;
}

export function readResetLinkInfo(value: unknown): ResetLinkInfo | undefined {
  if (!isObject(value)) return undefined;
  const username = str(value.username);
  return username ? { username, expiresAt: str(value.expiresAt) ?? null } : undefined;
}

/** The shortest password the server accepts. */
export const MIN_PASSWORD_LENGTH = 8;

export type MediaType = 'movie' | 'tv';

export const REQUEST_STATUSES = ['pending', 'approved', 'declined', 'processing', 'available', 'failed', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

function readRequestStatus(value: unknown): RequestStatus {
  const s = str(value)?.toLowerCase();
  return (REQUEST_STATUSES as readonly string[]).includes(s ?? '') ? (s as RequestStatus) : 'pending';
}

export function readMediaType(value: unknown): MediaType {
  return value === 'tv' || value === 'show' ? 'tv' : 'movie';
}

/** Where a title stands in the household's library, as shown on a search result. */
export type Availability = 'available' | 'partially-available' | 'processing' | 'requested' | 'unknown';

function readAvailability(value: unknown): Availability {
  const s = str(value)?.toLowerCase().replace(/_/g, '-');
  switch (s) {
    case 'available':
      return 'available';
    case 'partially-available':
    case 'partial':
      return 'partially-available';
    case 'processing':
    case 'approved':
      return 'processing';
    case 'pending':
    case 'requested':
      return 'requested';
    default:
      return 'unknown';
  }
}

export interface SearchResult {
  mediaType: MediaType;
  tmdbId: number;
  title: string;
  year: number | null;
  overview: string;
  posterPath: string | null;
  availability: Availability;
  /** Set when the signed-in user (or anyone) already has a request for it. */
  requestStatus: RequestStatus | null;
  requestId: number | null;
}

function yearOf(value: unknown): number | null {
  const n = num(value);
  if (n !== undefined) return n;
  const s = str(value);
  const match = s ? /^(\d{4})/.exec(s) : null;
  return match ? Number(match[1]) : null;
}

export function readSearchResult(o: JsonObject): SearchResult | undefined {
  const tmdbId = num(field(o, 'tmdbId', 'id'));
  const mediaType = str(o.mediaType);
  if (tmdbId === undefined || (mediaType !== undefined && mediaType !== 'movie' && mediaType !== 'tv')) return undefined;
  const request = isObject(o.request) ? o.request : undefined;
  const requestStatus = field(o, 'requestStatus') ?? request?.status;
  return {
    mediaType: readMediaType(mediaType),
    tmdbId,
    title: str(field(o, 'title', 'name')) ?? 'Untitled',
    year: yearOf(field(o, 'year', 'releaseDate', 'firstAirDate')),
    overview: str(o.overview) ?? '',
    posterPath: str(o.posterPath) ?? null,
    availability: readAvailability(field(o, 'availability', 'status', 'mediaStatus')),
    requestStatus: requestStatus === undefined ? null : readRequestStatus(requestStatus),
    requestId: num(field(o, 'requestId') ?? request?.id) ?? null,
  };
}

export interface SearchPage {
  results: SearchResult[];
  page: number;
  totalPages: number;
  totalResults: number | null;
}

export function readSearchPage(value: unknown, requestedPage: number): SearchPage {
  const o = isObject(value) ? value : {};
  const results = objects(value, 'results', 'items')
    .map(readSearchResult)
    .filter((r): r is SearchResult => r !== undefined);
  return {
    results,
    page: num(o.page) ?? requestedPage,
    totalPages: Math.max(1, num(o.totalPages) ?? 1),
    totalResults: num(o.totalResults) ?? null,
  };
}

/** One download in the queue: a movie, or one episode of a show. */
export interface DownloadItem {
  title: string;
  status: string;
  percent: number;
  estimatedCompletionAt: string | null;
  seasonNumber: number | null;
  episodeNumber: number | null;
}

export type SeasonState = 'pending' | 'processing' | 'partially_available' | 'available';

export interface DownloadProgress {
  percent: number;
  estimatedCompletionAt: string | null;
  items: DownloadItem[];
  seasons: { seasonNumber: number; state: SeasonState }[];
}

export interface TimelineEntry {
  step: string;
  actor: string | null;
  at: string | null;
}

export interface MediaRequest {
  id: number;
  userId: string | null;
  username: string | null;
  mediaType: MediaType;
  tmdbId: number | null;
  title: string;
  posterPath: string | null;
  seasons: number[] | null;
  status: RequestStatus;
  createdAt: string | null;
  updatedAt: string | null;
  /** Approved long ago with nothing downloading and not available. */
  stalled: boolean;
  download: DownloadProgress | null;
  /** Only on a single request: its history, oldest first. */
  timeline: TimelineEntry[];
  /** Only on a single available request: opens it in Plex. */
  playUrl: string | null;
}

const SEASON_STATES: readonly SeasonState[] = ['pending', 'processing', 'partially_available', 'available'];

function readDownload(value: unknown): DownloadProgress | null {
  if (!isObject(value)) return null;
  const items = (Array.isArray(value.items) ? value.items : []).filter(isObject).map((i) => ({
    title: str(i.title) ?? '',
    status: str(i.status) ?? '',
    percent: Math.min(100, Math.max(0, num(i.percent) ?? 0)),
    estimatedCompletionAt: str(i.estimatedCompletionAt) ?? null,
    seasonNumber: num(i.seasonNumber) ?? null,
    episodeNumber: num(i.episodeNumber) ?? null,
  }));
  const seasons = (Array.isArray(value.seasons) ? value.seasons : []).filter(isObject).flatMap((x) => {
    const seasonNumber = num(x.seasonNumber);
    const state = str(x.state) as SeasonState | undefined;
    return seasonNumber === undefined || !state || !SEASON_STATES.includes(state) ? [] : [{ seasonNumber, state }];
  });
  return {
    percent: Math.min(100, Math.max(0, num(value.percent) ?? 0)),
    estimatedCompletionAt: str(value.estimatedCompletionAt) ?? null,
    items,
    seasons,
  };
}

/** Only Plex Web links: anything else from the server is dropped rather than rendered as a link. */
export function safePlayUrl(value: unknown): string | null {
  const url = str(value);
  return url && url.startsWith('https://app.plex.tv/') ? url : null;
}

export function readMediaRequest(value: unknown): MediaRequest | undefined {
  if (!isObject(value)) return undefined;
  const o = isObject(value.request) ? value.request : value;
  const id = num(field(o, 'id', 'requestId'));
  if (id === undefined) return undefined;
  const user = isObject(o.requestedBy) ? o.requestedBy : isObject(o.user) ? o.user : undefined;
  const seasons = Array.isArray(o.seasons) ? o.seasons.map(num).filter((n): n is number => n !== undefined) : null;
  return {
    id,
    userId: str(field(o, 'userId') ?? user?.id) ?? null,
    username: str(field(o, 'username') ?? user?.username) ?? null,
    mediaType: readMediaType(o.mediaType),
    tmdbId: num(o.tmdbId) ?? null,
    title: str(o.title) ?? 'Untitled',
    posterPath: str(o.posterPath) ?? null,
    seasons,
    status: readRequestStatus(o.status),
    createdAt: str(o.createdAt) ?? null,
    updatedAt: str(o.updatedAt) ?? null,
    stalled: bool(o.stalled) ?? false,
    download: readDownload(o.download),
    timeline: (Array.isArray(o.timeline) ? o.timeline : []).filter(isObject).map((e) => ({
      step: str(e.step) ?? 'unknown',
      actor: str(e.actor) ?? null,
      at: str(e.at) ?? null,
    })),
    playUrl: safePlayUrl(o.playUrl),
  };
}

export function readMediaRequests(value: unknown): MediaRequest[] {
  return objects(value, 'requests', 'results', 'items')
    .map(readMediaRequest)
    .filter((r): r is MediaRequest => r !== undefined);
}

export interface MediaRequestPage {
  requests: MediaRequest[];
  page: number;
  totalPages: number;
  total: number | null;
}

/** `{ requests, page, pageSize, total, totalPages }` from GET /api/v1/media/requests. */
export function readMediaRequestPage(value: unknown, requestedPage: number): MediaRequestPage {
  const o = isObject(value) ? value : {};
  return {
    requests: readMediaRequests(value),
    page: num(o.page) ?? requestedPage,
    totalPages: Math.max(1, num(o.totalPages) ?? 1),
    total: num(o.total) ?? null,
  };
}

export type ServiceState = 'up' | 'down' | 'degraded' | 'unknown';

export function readServiceState(value: unknown): ServiceState {
  const s = str(value)?.toLowerCase();
  return s === 'up' || s === 'down' || s === 'degraded' ? s : 'unknown';
}

export interface ServiceStatus {
  /** Stable key (`plex`, `overseerr`, `monitored:<id>`), as in 'service.status' events. */
  service: string;
  name: string;
  status: ServiceState;
  responseTimeMs: number | null;
  checkedAt: string | null;
  /** Share of checks in the last 24 hours that got an answer, 0–100. */
  uptime24h: number | null;
  error: string | null;
}

export function readServiceStatuses(value: unknown): ServiceStatus[] {
  return objects(value, 'services', 'statuses', 'results')
    .map((o): ServiceStatus | undefined => {
      const service = str(field(o, 'service', 'key', 'name'));
      if (!service) return undefined;
      return {
        service,
        name: str(o.name) ?? service,
        status: readServiceState(o.status),
        responseTimeMs: num(o.responseTimeMs) ?? null,
        checkedAt: str(field(o, 'lastCheckedAt', 'checkedAt')) ?? null,
        uptime24h: num(o.uptime24h) ?? null,
        error: str(o.error) ?? null,
      };
    })
    .filter((s): s is ServiceStatus => s !== undefined);
}

export interface MonitoredService {
  id: number;
  name: string;
  url: string;
  enabled: boolean;
  createdAt: string | null;
}

export function readMonitoredService(value: unknown): MonitoredService | undefined {
  if (!isObject(value)) return undefined;
  const o = isObject(value.service) ? value.service : value;
  const id = num(o.id);
  const name = str(o.name);
  if (id === undefined || !name) return undefined;
  return { id, name, url: str(o.url) ?? '', enabled: bool(o.enabled) ?? true, createdAt: str(o.createdAt) ?? null };
}

export function readMonitoredServices(value: unknown): MonitoredService[] {
  return objects(value, 'services', 'results')
    .map(readMonitoredService)
    .filter((s): s is MonitoredService => s !== undefined);
}

export interface Library {
  key: string;
  title: string;
  type: string;
  count: number | null;
  scannedAt: string | null;
}

export function readLibraries(value: unknown): Library[] {
  return objects(value, 'libraries', 'sections', 'Directory')
    .map((o): Library | undefined => {
      const key = str(o.key);
      if (!key) return undefined;
      return {
        key,
        title: str(o.title) ?? `Library ${key}`,
        type: str(o.type) ?? 'other',
        count: num(field(o, 'count', 'size', 'totalSize')) ?? null,
        scannedAt: str(o.scannedAt) ?? null,
      };
    })
    .filter((l): l is Library => l !== undefined);
}

export interface LibraryItem {
  key: string;
  title: string;
  type: string;
  year: number | null;
  /** A same-origin (proxied) image URL, or a TMDB poster path; never a direct Plex URL. */
  image: string | null;
  addedAt: string | null;
  /** Episodes and seasons: the show and the season / episode numbers. */
  subtitle: string | null;
  /** Opens the item in Plex. */
  playUrl: string | null;
}

function safeImage(o: JsonObject): string | null {
  const poster = str(o.posterPath);
  if (poster && poster.startsWith('/') && !poster.startsWith('/library/')) return `https://image.tmdb.org/t/p/w342${poster}`;
  const proxied = str(field(o, 'thumbUrl', 'imageUrl', 'thumb'));
  // Only same-origin API URLs: a raw Plex thumb path (or http://plex-server) would break the CSP or leak a token.
  return proxied && proxied.startsWith('/api/') ? proxied : null;
}

function dateOf(value: unknown): string | null {
  const n = num(value);
  if (n !== undefined) return new Date(n < 1e12 ? n * 1000 : n).toISOString();
  return str(value) ?? null;
}

function subtitleOf(o: JsonObject): string | null {
  const show = str(o.showTitle);
  if (!show) return null;
  const season = num(o.seasonNumber);
  const episode = num(o.episodeNumber);
  if (season !== undefined && episode !== undefined) return `${show} · S${season} E${episode}`;
  if (season !== undefined) return `${show} · Season ${season}`;
  return show;
}

export function readLibraryItem(o: JsonObject): LibraryItem | undefined {
  const key = str(field(o, 'ratingKey', 'key', 'id'));
  if (!key) return undefined;
  return {
    key,
    title: str(field(o, 'title', 'name')) ?? 'Untitled',
    type: str(o.type) ?? 'movie',
    year: yearOf(field(o, 'year', 'originallyAvailableAt')),
    image: safeImage(o),
    addedAt: dateOf(o.addedAt),
    subtitle: subtitleOf(o),
    playUrl: safePlayUrl(o.playUrl),
  };
}

export interface LibraryPage {
  items: LibraryItem[];
  page: number;
  totalPages: number | null;
  total: number | null;
}

/** `{ items, page, pageSize, total, totalPages }` (or just `{ items }` for recently added). */
export function readLibraryPage(value: unknown, requestedPage = 1): LibraryPage {
  const o = isObject(value) ? value : {};
  return {
    items: objects(value, 'items', 'results', 'Metadata')
      .map(readLibraryItem)
      .filter((i): i is LibraryItem => i !== undefined),
    page: num(o.page) ?? requestedPage,
    totalPages: num(o.totalPages) ?? null,
    total: num(field(o, 'total', 'totalSize')) ?? null,
  };
}

/** TMDB poster URL at the width the cards use (allowed by the CSP). */
export function posterUrl(posterPath: string | null): string | null {
  return posterPath && /^\/[\w.-]+$/.test(posterPath) ? `https://image.tmdb.org/t/p/w342${posterPath}` : null;
}
