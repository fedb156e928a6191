/**
 * What the server answers: the JSON body of every API route the web app
 * calls, and the route map that ties each `METHOD /template` to its body.
 * The server types its handlers' answers with `ApiResponse<'GET /api/v1/…'>`,
 * and the web app's API client returns the same type for the same template,
 * so a change here fails the type check of whichever side no longer agrees.
 * Errors are always `ApiErrorBody`.
 */
import type { MyPlayback, MyPlaybackHistory, NowPlaying, PlaybackHistory } from './playback';
import type {
  WatchlistAutoRequestBody,
  WatchlistOwnerSettings,
  WatchlistOwnerSettingsBody,
  WatchlistRequestAllResult,
  WatchlistResponse,
} from './watchlist';
import type {
  AccountPatchBody,
  AdminUserCreateBody,
  AnnouncementCreateBody,
  AdminUserPatchBody,
  ChangePasswordBody,
  LinkIdentityBody,
  LoginBody,
  MaintenanceCreateBody,
  PasswordResetCompleteBody,
  PasswordResetInspectBody,
  MediaRequestCreateBody,
  MonitoredServiceCreateBody,
  MonitoredServicePatchBody,
  NotificationChannelBody,
  NotificationPreferenceBody,
  PushSubscriptionBody,
  PushUnsubscribeBody,
  PlexVerifyBody,
  ProblemCommentBody,
  ProblemReportCreateBody,
} from './bodies';
import type {
  AnnouncementSeverity,
  Availability,
  IssueStatus,
  IssueType,
  Language,
  MediaType,
  NotificationChannelKind,
  NotificationEvent,
  RequestStatus,
  SeasonState,
  ServiceStatus,
  TimelineStep,
  UserRole,
} from './domain';

/**
 * Every non-2xx answer. `code` is stable (the server's `ErrorCode`); where one code covers several
 * situations a member sees differently, `details.reason` names which one (`ErrorReason`). The web app
 * words its message from these two, in the member's language; `message` is English, for logs and scripts.
 */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The stable codes of `ApiErrorBody.error.code`: the server's one error type carries one of these. */
export const errorCodes = [
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GONE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'NOT_CONFIGURED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'SERVICE_UNAVAILABLE',
  'QUOTA_EXCEEDED',
  'PERMISSION_MISSING',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The finer reason of an error a member sees (in `details.reason`), for the codes that cover several situations. */
export const errorReasons = [
  // Requests (409 CONFLICT, 403 QUOTA_EXCEEDED)
  'QUOTA_EXCEEDED',
  'ALREADY_AVAILABLE',
  'ALREADY_REQUESTED',
  'DUPLICATE_REQUEST',
  'BLOCKLISTED',
  'NOTHING_TO_REQUEST',
  'NOT_RETRYABLE',
  'NOT_PENDING',
  'NOT_IN_OVERSEERR',
  'OVERSEERR_USER_NOT_LINKED',
  // Problem reports
  'NOT_AVAILABLE',
  'CREATE_ISSUES_MISSING',
  // Signing in (403 FORBIDDEN; a wrong password is the code INVALID_CREDENTIALS, too many tries RATE_LIMITED)
  'ACCOUNT_DISABLED',
  'SSO_ONLY',
  'PLEX_NO_ACCESS',
  'PLEX_OTHER_BROWSER',
] as const;
export type ErrorReason = (typeof errorReasons)[number];

/** What the API shows of a user: never the password hash. */
export interface PublicUser {
  id: string;
  username: string;
  email: string | null;
  role: UserRole;
  enabled: boolean;
  plexUsername: string | null;
  thumb: string | null;
  createdAt: string;
  lastLoginAt: string | null;
  /** The language the member picked on the Account page; null follows the browser. */
  language: Language | null;
}

export interface UserResponse {
  user: PublicUser;
}

/** How a session was started. */
export type SignInMethod = 'local' | 'plex' | 'oidc' | 'forward_auth';

/** `GET /api/v1/auth/session`: who is signed in, and how (the web app ends an SSO session at the provider too). */
export interface SessionResponse extends UserResponse {
  method: SignInMethod | null;
}

/** `GET /api/v1/auth/methods`: which ways in the sign-in page offers. */
export interface SignInMethods {
  /** Username and password (hidden with SSO_ONLY; the local admin still reaches it at /login?local=1). */
  password: boolean;
  plex: boolean;
  /** OpenID Connect: the button's label, or null when not configured. */
  oidc: { label: string; startUrl: string } | null;
}

/** An SSO identity linked to a member (admin view). */
export interface LinkedIdentity {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

/** A one-time link an administrator hands to a member to set a password (the token rides in the fragment). */
export interface ResetLink {
  url: string;
  expiresAt: string;
}

export interface PlexPinResponse {
  id: number;
  code: string;
  /** Where the browser sends the user to approve the PIN (app.plex.tv). */
  authUrl: string;
  expiresAt: string;
}

/** 202 while the PIN waits for approval; 200 `UserResponse` once approved. */
export interface PlexPinPendingResponse {
  status: 'pending';
  expiresAt: string;
}

export interface MediaSummary {
  mediaType: MediaType;
  tmdbId: number;
  title: string;
  year: number | null;
  releaseDate: string | null;
  overview: string | null;
  posterPath: string | null;
  backdropPath: string | null;
  voteAverage: number | null;
  availability: Availability;
  /** The caller's own standing request for this title, if any. */
  requestId: number | null;
  requestStatus: RequestStatus | null;
}

export interface SeasonSummary {
  seasonNumber: number;
  name: string | null;
  episodeCount: number | null;
  airDate: string | null;
  availability: Availability;
}

export interface MediaDetails extends MediaSummary {
  tagline: string | null;
  runtime: number | null;
  genres: string[];
  status: string | null;
  numberOfSeasons: number | null;
  seasons: SeasonSummary[];
}

/**
 * The rows of /discover (GET /api/v1/discover/rows): trending, popular and
 * upcoming movies and shows, then one row per genre Overseerr offers.
 */
export type DiscoverRowKind = 'trending' | 'popular-movies' | 'popular-tv' | 'upcoming-movies' | 'upcoming-tv' | 'movie-genre' | 'tv-genre';

export interface DiscoverRow {
  /** `trending`, `popular-movies`, … or `movie-genre-<id>` / `tv-genre-<id>`: the `:row` of GET /api/v1/discover/rows/:row. */
  id: string;
  kind: DiscoverRowKind;
  /** A genre row's genre, as Overseerr names it; null for the other rows. */
  genre: string | null;
}

export interface DiscoverRows {
  rows: DiscoverRow[];
}

/** One page of titles in a row: a Discover row, or a title's recommendations or similar titles. */
export interface TitleListPage {
  page: number;
  totalPages: number;
  results: MediaSummary[];
}

export interface CastMember {
  name: string;
  character: string | null;
  profilePath: string | null;
}

/** A season on a show's title page: where it stands in Plex, and the member's own request for it. */
export interface TitleSeason extends SeasonSummary {
  /** Not in Plex, not requested by anyone, not blocklisted: it can be ticked and requested. */
  requestable: boolean;
  requestId: number | null;
  requestStatus: RequestStatus | null;
}

/** GET /api/v1/discover/titles/:type/:tmdbId: everything the title page shows, read from Overseerr as the member. */
export interface TitleDetails extends MediaDetails {
  seasons: TitleSeason[];
  /** The first billed cast members (at most 12). */
  cast: CastMember[];
  /** A YouTube trailer's watch page; only ever shown as a link. */
  trailerUrl: string | null;
  /** Plex Web for the title once it is (partly) in Plex and the server is known. */
  playUrl: string | null;
}

export interface SearchPage {
  page: number;
  totalPages: number;
  totalResults: number;
  results: MediaSummary[];
}

export interface PublicMediaRequest {
  id: number;
  mediaType: MediaType;
  tmdbId: number;
  title: string;
  posterPath: string | null;
  /** TV: the requested seasons; null means every season. */
  seasons: number[] | null;
  status: RequestStatus;
  overseerrId: number | null;
  requestedBy: { id: string; username: string };
  createdAt: string;
  updatedAt: string;
  /** What is downloading (per episode for TV) and, for TV, each season's state; null when nothing is known. */
  download: DownloadProgress | null;
  /** Approved long enough ago with nothing downloading and not available. */
  stalled: boolean;
}

/** One download in the queue (a movie, or one episode of a show). */
export interface DownloadItem {
  title: string;
  status: string;
  size: number;
  sizeLeft: number;
  /** 0–100. */
  percent: number;
  /** The downloader's own estimate (ISO time), when it has one. */
  estimatedCompletionAt: string | null;
  seasonNumber: number | null;
  episodeNumber: number | null;
}

export interface DownloadProgress {
  /** 0–100 over all items, weighted by size. */
  percent: number;
  /** The latest estimated completion among the items, when any has one. */
  estimatedCompletionAt: string | null;
  items: DownloadItem[];
  /** TV: each requested season's state. */
  seasons: { seasonNumber: number; state: SeasonState }[];
}

export interface TimelineEntry {
  step: TimelineStep;
  /** Who did it, when known. */
  actor: string | null;
  at: string;
}

/**
 * How long similar requests (same media type, approved the same way) took
 * from being requested to being available, from MediaNest's own history: an
 * estimate, not a promise.
 */
export interface FulfilmentEstimate {
  mediaType: MediaType;
  /** `automatic`: Overseerr approved it at once; `manual`: someone approves it by hand. */
  approval: 'automatic' | 'manual';
  /** How many similar requests were fulfilled (the latest 200 at most). */
  samples: number;
  /** With fewer samples than this there is no estimate (median and p90 are null). */
  minimumSamples: number;
  medianSeconds: number | null;
  /** 9 in 10 similar requests were available within this time. */
  p90Seconds: number | null;
}

/** One request as its page shows it: with its history and, once available, the Play on Plex link. */
export interface MediaRequestDetail extends PublicMediaRequest {
  timeline: TimelineEntry[];
  playUrl: string | null;
  /** While the request is still on its way (pending, approved, processing); null once settled. */
  estimate: FulfilmentEstimate | null;
}

/** A problem a member reported about a title in Plex (an issue in Overseerr, filed as them). */
export interface ProblemReport {
  /** Overseerr's issue id. */
  id: number;
  mediaType: MediaType;
  tmdbId: number;
  title: string;
  issueType: IssueType;
  status: IssueStatus;
  /** TV: the affected season / episode; null = all. */
  season: number | null;
  episode: number | null;
  createdAt: string;
  updatedAt: string;
  /** Who resolved it, once resolved. */
  resolvedBy: string | null;
}

export interface ProblemComment {
  id: number;
  author: string;
  message: string;
  createdAt: string;
  /** Written by the caller. */
  mine: boolean;
}

export interface ProblemReportDetail extends ProblemReport {
  /** The first is the report itself, with what MediaNest added for the owner. */
  comments: ProblemComment[];
}

/** GET /api/v1/issues: the caller's reports; `canReport` false when Overseerr does not let them report (no CREATE_ISSUES). */
export interface ProblemReportList {
  issues: ProblemReport[];
  canReport: boolean;
}

/** Where a member stands against one Overseerr request quota. */
export interface QuotaStanding {
  /** Requests allowed per `days` (for TV: seasons). */
  limit: number;
  days: number;
  used: number;
  remaining: number;
  /** When the oldest request in the window stops counting (ISO), known only once nothing is left; null otherwise. */
  nextFreeAt: string | null;
}

/** GET /api/v1/media/quota: the caller's Overseerr quotas; null = no limit (no badge). */
export interface RequestQuota {
  movie: QuotaStanding | null;
  tv: QuotaStanding | null;
}

export interface MediaRequestResponse {
  request: PublicMediaRequest;
}

export interface MediaRequestDetailResponse {
  request: MediaRequestDetail;
}

export interface RequestPage {
  requests: PublicMediaRequest[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export interface ServiceStatusEntry {
  /** Stable key (`plex`, `overseerr`, `monitored:<id>`), as in `service.status` events. */
  service: string;
  name: string;
  kind: 'plex' | 'overseerr' | 'monitored';
  /** `unknown` until the first check. */
  status: ServiceStatus | 'unknown';
  responseTimeMs: number | null;
  lastCheckedAt: string | null;
  /** Share of the last 24 hours' observed probe time the service answered (up or degraded), 0–100; null without checks (as on the status page). */
  uptime24h: number | null;
  checks24h: number;
}

/** Share of observed probe time a service answered (up or degraded), 0–100, over one window; null: no probe time observed. */
export interface UptimeFigure {
  percent: number | null;
  /** Share of the window covered by probes, 0–100: time with no probe result (MediaNest stopped, probes not run) is not counted either way. */
  observedPercent: number;
}

/** One service on the member status page. */
export interface StatusPageService {
  service: string;
  name: string;
  kind: ServiceStatusEntry['kind'];
  status: ServiceStatus | 'unknown';
  responseTimeMs: number | null;
  lastCheckedAt: string | null;
  uptime: { h24: UptimeFigure; d7: UptimeFigure; d30: UptimeFigure };
  /** What members notice when this service is down (e.g. Library, Play links). */
  affects: string[];
  /** A maintenance window covers it now. */
  inMaintenance: boolean;
}

/** An outage: opened after the service failed its probes for a while, closed after it answered for a quiet period. */
export interface ServiceIncident {
  id: number;
  service: string;
  name: string;
  startedAt: string;
  /** null while ongoing. */
  endedAt: string | null;
  /** Until the end, or until now while ongoing. */
  durationSeconds: number;
  affects: string[];
  /** Happened during a maintenance window: no outage messages were sent. */
  maintenance: boolean;
  cause: string | null;
}

export interface MaintenanceWindow {
  id: number;
  /** Service keys, or null for every service. */
  services: string[] | null;
  /** Their names as members know them (every service: empty). */
  serviceNames: string[];
  startsAt: string;
  endsAt: string;
  message: string;
  createdAt: string;
}

export interface Announcement {
  id: number;
  message: string;
  severity: AnnouncementSeverity;
  createdAt: string;
  expiresAt: string | null;
}

/** What every page shows as banners: announcements in force, and maintenance windows now or ahead. */
export interface StatusNotices {
  announcements: Announcement[];
  maintenance: MaintenanceWindow[];
}

/** GET /api/v1/status: the member status page. */
export interface StatusPage {
  generatedAt: string;
  /** How often each service is checked (SERVICE_CHECK_INTERVAL_SECONDS). */
  checkIntervalSeconds: number;
  services: StatusPageService[];
  /** Incidents of the last 30 days, newest first (ongoing ones first of all). */
  incidents: ServiceIncident[];
  notices: StatusNotices;
}

export interface PublicMonitoredService {
  id: number;
  /** The key its status is reported under (`monitored:<id>`). */
  key: string;
  name: string;
  /** The probed URL, any password in it masked. */
  url: string;
  enabled: boolean;
  createdAt: string;
}

export interface MonitoredServiceResponse {
  service: PublicMonitoredService;
}

export interface Library {
  key: string;
  type: string;
  title: string;
  updatedAt: string | null;
  scannedAt: string | null;
}

export interface LibraryItem {
  ratingKey: string;
  type: string;
  title: string;
  year: number | null;
  summary: string | null;
  /** Poster through MediaNest's image proxy (the Plex token stays on the server). */
  thumbUrl: string | null;
  addedAt: string | null;
  durationMs: number | null;
  tmdbId: number | null;
  librarySectionId: number | null;
  /** Episodes and seasons: the show's title. */
  showTitle: string | null;
  seasonNumber: number | null;
  episodeNumber: number | null;
  leafCount: number | null;
}

/** A library item as served: with its Play on Plex link (null while the server's identity is unknown). */
export type PlayableLibraryItem = LibraryItem & { playUrl: string | null };

export interface LibraryPage {
  items: PlayableLibraryItem[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

/** A notification channel as administrators see it: which secrets are set, never their values. */
export interface NotificationChannel {
  id: number;
  name: string;
  kind: NotificationChannelKind;
  enabled: boolean;
  settings: Record<string, unknown>;
  secrets: Record<string, { set: boolean }>;
  createdAt: string;
  updatedAt: string;
}

export interface NotificationChannelResponse {
  channel: NotificationChannel;
}

/** The outcome of a test message sent through a channel. */
export interface NotificationTestResult {
  delivered: boolean;
  durationMs: number;
  error?: string;
}

/** A member's choices on one enabled channel. */
export interface NotificationChannelPreference {
  channelId: number;
  name: string;
  kind: NotificationChannelKind;
  /** What the member may give as their own address on this channel (e-mail, ntfy topic); null: none. */
  addressKind: 'email' | 'topic' | null;
  /** Where messages go without an own address. */
  defaultAddress: string | null;
  events: NotificationEvent[];
  address: string | null;
  /** E-mail: the member's own address waits for the link sent to it; nothing goes there until it is opened. */
  addressPending: boolean;
}

export interface NotificationPreferences {
  /** Every event a member can choose. */
  events: readonly NotificationEvent[];
  channels: NotificationChannelPreference[];
}

/**
 * Whether the caller follows a request (is told when it becomes available). A member reaches someone
 * else's request only by naming its title (…/follows/title/:type/:tmdbId), never by its id, and is not
 * told who made it.
 */
export interface FollowState {
  request: {
    id: number;
    title: string;
    mediaType: MediaType;
    tmdbId: number;
    posterPath: string | null;
    status: RequestStatus;
    /** Who made it: for the requester and administrators; null for other members. */
    requestedBy: string | null;
    /** The caller's own request. */
    mine: boolean;
  };
  following: boolean;
  followers: number;
}

/** A browser a member subscribed to push notifications (its endpoint and keys never leave the server). */
export interface PushDevice {
  id: number;
  label: string;
  createdAt: string;
}

/** GET /api/v1/notifications/push: what a browser needs to subscribe, and the member's subscribed devices. */
export interface PushState {
  /** The VAPID public key (base64url) for `pushManager.subscribe`; null while no Web Push channel is enabled. */
  publicKey: string | null;
  devices: PushDevice[];
}

/** Routes the web app calls, `METHOD /template` → the JSON body of a 2xx answer (`undefined`: 204, no body). */
export interface ApiRoutes {
  'POST /api/v1/auth/login': UserResponse;
  'POST /api/v1/auth/logout': undefined;
  'GET /api/v1/auth/session': SessionResponse;
  'GET /api/v1/auth/methods': SignInMethods;
  'POST /api/v1/auth/oidc/logout': { endSessionUrl: string | null };
  'GET /api/v1/admin/users/:id/identities': { identities: LinkedIdentity[] };
  'POST /api/v1/admin/users/:id/identities': { identity: LinkedIdentity };
  'DELETE /api/v1/admin/users/:id/identities/:identityId': undefined;
  'POST /api/v1/auth/password': UserResponse & { otherSessionsSignedOut: true };
  'PATCH /api/v1/auth/account': UserResponse;
  'POST /api/v1/auth/password-reset/inspect': { username: string; expiresAt: string };
  'POST /api/v1/auth/password-reset': { username: string };
  'POST /api/v1/auth/plex/pin': PlexPinResponse;
  'POST /api/v1/auth/plex/verify': UserResponse | PlexPinPendingResponse;
  'GET /api/v1/admin/users': { users: PublicUser[] };
  'POST /api/v1/admin/users': UserResponse & { resetLink: ResetLink };
  'PATCH /api/v1/admin/users/:id': UserResponse;
  'POST /api/v1/admin/users/:id/password-reset': { resetLink: ResetLink };
  'GET /api/v1/services/status': { services: ServiceStatusEntry[] };
  'GET /api/v1/status': StatusPage;
  'GET /api/v1/status/notices': StatusNotices;
  'GET /api/v1/admin/status/maintenance': { maintenance: MaintenanceWindow[] };
  'POST /api/v1/admin/status/maintenance': { maintenance: MaintenanceWindow };
  'POST /api/v1/admin/status/maintenance/:id/end': { maintenance: MaintenanceWindow };
  'GET /api/v1/admin/status/announcements': { announcements: Announcement[] };
  'POST /api/v1/admin/status/announcements': { announcement: Announcement };
  'POST /api/v1/admin/status/announcements/:id/end': { announcement: Announcement };
  'GET /api/v1/admin/services': { services: PublicMonitoredService[] };
  'POST /api/v1/admin/services': MonitoredServiceResponse;
  'PATCH /api/v1/admin/services/:id': MonitoredServiceResponse;
  'DELETE /api/v1/admin/services/:id': undefined;
  'GET /api/v1/media/search': SearchPage;
  'GET /api/v1/media/:type/:tmdbId': MediaDetails;
  'GET /api/v1/discover/rows': DiscoverRows;
  'GET /api/v1/discover/rows/:row': TitleListPage;
  'GET /api/v1/discover/titles/:type/:tmdbId': TitleDetails;
  'GET /api/v1/discover/titles/:type/:tmdbId/:list': TitleListPage;
  'GET /api/v1/media/requests': RequestPage;
  'GET /api/v1/media/quota': RequestQuota;
  'GET /api/v1/issues': ProblemReportList;
  'POST /api/v1/issues': { issue: ProblemReportDetail };
  'GET /api/v1/issues/:id': { issue: ProblemReportDetail };
  'POST /api/v1/issues/:id/comments': { issue: ProblemReportDetail };
  'POST /api/v1/media/requests': MediaRequestResponse;
  'GET /api/v1/media/requests/:id': MediaRequestDetailResponse;
  'POST /api/v1/media/requests/:id/retry': MediaRequestDetailResponse;
  'DELETE /api/v1/media/requests/:id': MediaRequestResponse;
  'GET /api/v1/plex/libraries': { libraries: Library[] };
  'GET /api/v1/plex/libraries/:key/items': LibraryPage;
  'GET /api/v1/plex/search': { results: PlayableLibraryItem[] };
  'GET /api/v1/plex/recently-added': { items: PlayableLibraryItem[] };
  'GET /api/v1/admin/observability': OpsSummary;
  'GET /api/v1/admin/playback': NowPlaying;
  'GET /api/v1/playback/mine': MyPlayback;
  'GET /api/v1/admin/playback/history': PlaybackHistory;
  'GET /api/v1/playback/history': MyPlaybackHistory;
  'GET /api/v1/admin/notifications/channels': { channels: NotificationChannel[] };
  'POST /api/v1/admin/notifications/channels': NotificationChannelResponse;
  'PATCH /api/v1/admin/notifications/channels/:id': NotificationChannelResponse;
  'DELETE /api/v1/admin/notifications/channels/:id': undefined;
  'POST /api/v1/admin/notifications/channels/:id/test': { result: NotificationTestResult };
  'GET /api/v1/notifications/preferences': NotificationPreferences;
  'PATCH /api/v1/notifications/preferences/:channelId': NotificationPreferences;
  'GET /api/v1/notifications/follows/:requestId': FollowState;
  'POST /api/v1/notifications/follows/:requestId': FollowState;
  'DELETE /api/v1/notifications/follows/:requestId': FollowState;
  'GET /api/v1/notifications/follows/title/:type/:tmdbId': FollowState;
  'POST /api/v1/notifications/follows/title/:type/:tmdbId': FollowState;
  'DELETE /api/v1/notifications/follows/title/:type/:tmdbId': FollowState;
  'GET /api/v1/notifications/push': PushState;
  'POST /api/v1/notifications/push/subscriptions': PushState & { device: PushDevice };
  'POST /api/v1/notifications/push/unsubscribe': PushState;
  'DELETE /api/v1/notifications/push/subscriptions/:id': PushState;
  'GET /api/v1/watchlist': WatchlistResponse;
  'POST /api/v1/watchlist/request-all': WatchlistRequestAllResult;
  'PATCH /api/v1/watchlist/auto-request': WatchlistResponse['autoRequest'];
  'GET /api/v1/admin/watchlist': WatchlistOwnerSettings;
  'PATCH /api/v1/admin/watchlist': WatchlistOwnerSettings;
}

/** The JSON bodies routes take (the input types of the zod schemas the server parses them with). */
export interface ApiBodies {
  'POST /api/v1/auth/login': LoginBody;
  'POST /api/v1/auth/password': ChangePasswordBody;
  'PATCH /api/v1/auth/account': AccountPatchBody;
  'POST /api/v1/auth/password-reset/inspect': PasswordResetInspectBody;
  'POST /api/v1/auth/password-reset': PasswordResetCompleteBody;
  'POST /api/v1/admin/users': AdminUserCreateBody;
  'POST /api/v1/admin/users/:id/identities': LinkIdentityBody;
  'POST /api/v1/auth/plex/verify': PlexVerifyBody;
  'PATCH /api/v1/admin/users/:id': AdminUserPatchBody;
  'POST /api/v1/admin/services': MonitoredServiceCreateBody;
  'PATCH /api/v1/admin/services/:id': MonitoredServicePatchBody;
  'POST /api/v1/media/requests': MediaRequestCreateBody;
  'POST /api/v1/issues': ProblemReportCreateBody;
  'POST /api/v1/issues/:id/comments': ProblemCommentBody;
  'POST /api/v1/admin/notifications/channels': NotificationChannelBody;
  'PATCH /api/v1/admin/notifications/channels/:id': NotificationChannelBody;
  'PATCH /api/v1/notifications/preferences/:channelId': NotificationPreferenceBody;
  'POST /api/v1/notifications/push/subscriptions': PushSubscriptionBody;
  'POST /api/v1/notifications/push/unsubscribe': PushUnsubscribeBody;
  'POST /api/v1/admin/status/maintenance': MaintenanceCreateBody;
  'POST /api/v1/admin/status/announcements': AnnouncementCreateBody;
  'PATCH /api/v1/watchlist/auto-request': WatchlistAutoRequestBody;
  'PATCH /api/v1/admin/watchlist': WatchlistOwnerSettingsBody;
}

export type ApiRoute = keyof ApiRoutes;
/** The JSON body `route` takes; `undefined` for routes that take none. */
export type ApiBody<R extends ApiRoute> = R extends keyof ApiBodies ? ApiBodies[R] : undefined;
/** The JSON body of a 2xx answer of `route`. */
export type ApiResponse<R extends ApiRoute> = ApiRoutes[R];
type MethodOf<R> = R extends `${infer M} ${string}` ? M : never;
/** The templates of the routes that answer `method`, e.g. `ApiPath<'GET'>`. */
export type ApiPath<M extends MethodOf<ApiRoute>> = {
  [R in ApiRoute]: R extends `${M} ${infer P}` ? P : never;
}[ApiRoute];

// ---- the admin Ops page -------------------------------------------------------

export type DependencyState = 'up' | 'degraded' | 'down' | 'not_configured';

export interface ReadinessReport {
  /** `draining`: shutting down after SIGTERM; still serving, but a load balancer should send nothing new (503). */
  status: 'ok' | 'degraded' | 'unavailable' | 'draining';
  version: string;
  uptimeSeconds: number;
  checks: Record<string, { status: DependencyState; latencyMs?: number; critical: boolean; error?: string }>;
}

/** Requests answered over a window of minutes. */
export interface WindowSummary {
  windowMinutes: number;
  requests: number;
  requestsPerSecond: number;
  /** Share (0–1) of requests answered with a 5xx; null without requests. */
  errorRate: number | null;
  /** 95th percentile latency in ms; null without requests. */
  p95Ms: number | null;
}

/** One minute of the last hour, for a chart. */
export interface MinutePoint {
  /** Start of the minute, seconds since the epoch. */
  t: number;
  requestsPerSecond: number;
  errorRate: number | null;
  p95Ms: number | null;
}

export const breakerStates = ['closed', 'open', 'half-open'] as const;
export type BreakerState = (typeof breakerStates)[number];
/** One circuit breaker's state as a process reports it (`unknown`: a state the process did not recognise). */
export interface BreakerStatus {
  service: string;
  state: BreakerState | 'unknown';
}

export interface QueueSnapshot {
  queue: string;
  jobType: string;
  everyMs: number | null;
  /** null when the backend cannot answer right now (Redis unreachable). */
  waiting: number | null;
  active: number | null;
  /** Jobs waiting for a retry (or, on BullMQ, for their scheduled time). */
  delayed: number | null;
}

export const jobStatuses = ['queued', 'active', 'completed', 'failed'] as const;
export type JobCounts = Record<(typeof jobStatuses)[number], number>;

export const webVitalNames = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
export type WebVitalName = (typeof webVitalNames)[number];
export type WebVitalRating = 'good' | 'needs-improvement' | 'poor';

export interface WebVitalP75 {
  route: string;
  metric: WebVitalName;
  /** ms for times, unitless for CLS, as browsers report them. */
  p75: number;
  rating: WebVitalRating;
  samples: number;
}

export interface PublicAlert {
  fingerprint: string;
  alertname: string;
  status: 'firing' | 'resolved';
  severity: string | null;
  summary: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  receivedAt: string;
}

export interface RecentErrorLine {
  time: string;
  level: 'error' | 'fatal';
  message: string;
  event: string | null;
  traceId: string | null;
  spanId: string | null;
  requestId: string | null;
  error: string | null;
}

export const processRoles = ['all', 'web', 'worker'] as const;
export type ProcessRole = (typeof processRoles)[number];

/** One process of the cluster as the Ops page lists it. */
export interface OpsInstance {
  instance: string;
  role: ProcessRole;
  version: string;
  /** Published its figures recently and has not stopped. */
  live: boolean;
  lastSeen: string;
  uptimeSeconds: number;
  http: { last5m: WindowSummary; last60m: WindowSummary };
  breakers: BreakerStatus[];
}

/** Notification deliveries of the last 24 hours on one channel, by where they stand. */
export interface ChannelDeliveryCounts {
  channelId: number;
  name: string;
  kind: NotificationChannelKind;
  delivered: number;
  /** Queued, not tried yet. */
  queued: number;
  /** Tried and failed, another attempt follows. */
  retrying: number;
  /** Every attempt failed: not sent. */
  failed: number;
}

/** A delivery whose last attempt failed; `error` is scrubbed of secrets. */
export interface DeliveryFailure {
  id: number;
  channel: string;
  kind: NotificationChannelKind;
  event: string;
  attempts: number;
  /** No attempt follows. */
  final: boolean;
  error: string | null;
  createdAt: string;
}

export interface DeliverySummary {
  channels: ChannelDeliveryCounts[];
  recentFailures: DeliveryFailure[];
}

/**
 * GET /api/v1/admin/observability: everything the Ops page shows. `scope`
 * `cluster`: traffic, breakers and job runs of every process added up (with
 * Redis); `process`: this process alone.
 */
/** The Overseerr (Jellyseerr, Seerr) server MediaNest talks to, as its /api/v1/status last said. */
export interface OverseerrServerInfo {
  version: string;
  commitTag: string | null;
  /** When it was read: at start and each time Overseerr came back after an outage. */
  checkedAt: string;
}

export interface OpsSummary {
  generatedAt: string;
  version: string;
  uptimeSeconds: number;
  scope: 'cluster' | 'process';
  /** The process that answered. */
  instance: string;
  http: { last5m: WindowSummary; last60m: WindowSummary; series: MinutePoint[] };
  instances: OpsInstance[];
  dependencies: ReadinessReport;
  /** The answering process's breakers. */
  breakers: BreakerStatus[];
  jobs: {
    backend: 'bullmq' | 'in-process';
    processing: boolean;
    queues: (QueueSnapshot & { counts: JobCounts })[];
  };
  webVitals: WebVitalP75[];
  alerts: PublicAlert[];
  recentErrors: RecentErrorLine[];
  /** Notification deliveries of the last 24 hours per channel, and the latest failures. */
  notifications: DeliverySummary;
  backups: BackupsSummary;
  /** The Overseerr server's version; null when Overseerr is not configured or has not answered yet. */
  overseerr: OverseerrServerInfo | null;
}

/**
 * Backups of the database. `automatic`: the embedded database is backed up every `intervalHours`
 * into DATA_DIR/backups, the newest `keep` kept; `off`: BACKUP_INTERVAL_HOURS=0 (the admin command
 * still takes them); `external`: PostgreSQL, backed up with pg_dump outside MediaNest.
 */
export interface BackupsSummary {
  mode: 'automatic' | 'off' | 'external';
  intervalHours: number | null;
  keep: number | null;
  count: number;
  latest: { file: string; sizeBytes: number; takenAt: string; ageSeconds: number } | null;
}
