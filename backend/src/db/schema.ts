/**
 * The database schema (Drizzle). The same migrations (backend/drizzle) serve
 * the embedded PGlite database and PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  announcementSeverities,
  issueStatuses,
  issueTypes,
  mediaTypes,
  notificationChannelKinds,
  requestStatuses,
  serviceStatuses,
  timelineSteps,
  userRoles,
  type DownloadProgress,
  type NotificationChannelKind,
  type NotificationEvent,
  type RequestStatus,
} from '@medianest/contracts';

// The enums are the contract's words: the web app and the database agree on them.
export { announcementSeverities, issueStatuses, issueTypes, mediaTypes, requestStatuses, serviceStatuses, timelineSteps, userRoles };
export type {
  AnnouncementSeverity,
  DownloadItem,
  DownloadProgress,
  IssueStatus,
  IssueType,
  MediaType,
  RequestStatus,
  ServiceStatus,
  TimelineStep,
  UserRole,
} from '@medianest/contracts';

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    email: text('email'),
    /** scrypt hash for local accounts; null for Plex-only accounts. */
    passwordHash: text('password_hash'),
    plexId: text('plex_id'),
    plexUsername: text('plex_username'),
    thumb: text('thumb'),
    role: text('role', { enum: userRoles }).notNull().default('user'),
    enabled: boolean('enabled').notNull().default(true),
    /** Overseerr user id matched by Plex id or e-mail; requests are made on its behalf. */
    overseerrUserId: integer('overseerr_user_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** The language the member picked ('en', 'de', 'fr', 'es'); null follows the browser (and English in notifications). */
    language: text('language'),
  },
  (t) => [uniqueIndex('users_username_lower_idx').on(sql`lower(${t.username})`), uniqueIndex('users_plex_id_idx').on(t.plexId)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie token: the token itself is never stored. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** How the session was started: local, plex, oidc or forward_auth (sign-out ends the provider's session too for oidc). */
    method: text('method'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Identities from the household's single sign-on linked to a member: an OpenID Connect subject at an
 * issuer. A member can have several ways in at once (a password, Plex, and one of these).
 */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The provider's issuer URL (the `iss` of its ID tokens). */
    issuer: text('issuer').notNull(),
    /** The provider's stable id of the person (`sub`). */
    subject: text('subject').notNull(),
    /** The e-mail the provider gave at the last sign-in (for the admin's eyes only). */
    email: text('email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('user_identities_issuer_subject_idx').on(t.issuer, t.subject), index('user_identities_user_idx').on(t.userId)],
);

/** One-time password reset links made by an administrator; only the SHA-256 of the token is stored. */
export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('password_reset_tokens_user_idx').on(t.userId)],
);

export const finalRequestStatuses: readonly RequestStatus[] = ['available', 'declined', 'cancelled'];

export const mediaRequests = pgTable(
  'media_requests',
  {
    id: serial('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mediaType: text('media_type', { enum: mediaTypes }).notNull(),
    tmdbId: integer('tmdb_id').notNull(),
    title: text('title').notNull(),
    posterPath: text('poster_path'),
    seasons: jsonb('seasons').$type<number[] | null>(),
    status: text('status', { enum: requestStatuses }).notNull().default('pending'),
    overseerrId: integer('overseerr_id'),
    /** When the request was last approved (or retried): the stall clock starts here. */
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    /** The last download progress read from Overseerr (null: nothing in the download queue). */
    download: jsonb('download').$type<DownloadProgress | null>(),
    /** The Plex rating key Overseerr reports once the title is in the library. */
    plexRatingKey: text('plex_rating_key'),
    /** Overseerr approved it the moment it was made (the member may auto-approve), rather than someone by hand. */
    autoApproved: boolean('auto_approved').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('media_requests_user_idx').on(t.userId),
    index('media_requests_status_idx').on(t.status),
    index('media_requests_tmdb_idx').on(t.mediaType, t.tmdbId),
    uniqueIndex('media_requests_overseerr_idx').on(t.overseerrId),
  ],
);

/** A request's history, kept by MediaNest because Overseerr keeps none. */
export const mediaRequestEvents = pgTable(
  'media_request_events',
  {
    id: serial('id').primaryKey(),
    requestId: integer('request_id')
      .notNull()
      .references(() => mediaRequests.id, { onDelete: 'cascade' }),
    step: text('step', { enum: timelineSteps }).notNull(),
    /** Who did it, when known (the requester, the approving or declining Overseerr user, the retrying admin). */
    actor: text('actor'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('media_request_events_request_idx').on(t.requestId, t.at),
    // A request becomes available once: a retried webhook racing the sync job cannot record it (and count it) twice.
    uniqueIndex('media_request_events_available_idx')
      .on(t.requestId)
      .where(sql`${t.step} = 'available'`),
  ],
);

/**
 * Problems members reported through MediaNest (the issue itself lives in
 * Overseerr): who reported which Overseerr issue, so its webhooks reach them.
 */
export const mediaIssues = pgTable(
  'media_issues',
  {
    id: serial('id').primaryKey(),
    overseerrIssueId: integer('overseerr_issue_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mediaType: text('media_type', { enum: mediaTypes }).notNull(),
    tmdbId: integer('tmdb_id').notNull(),
    title: text('title').notNull(),
    issueType: text('issue_type', { enum: issueTypes }).notNull(),
    status: text('status', { enum: issueStatuses }).notNull().default('open'),
    /**
     * The newest Overseerr comment id the member has been told about (or
     * wrote): later comments by others are announced once. Null until the
     * first reconciliation sets it without announcing (reports made before it existed).
     */
    lastCommentId: integer('last_comment_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('media_issues_overseerr_idx').on(t.overseerrIssueId), index('media_issues_user_idx').on(t.userId)],
);

export const monitoredServices = pgTable('monitored_services', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const serviceStatusHistory = pgTable(
  'service_status_history',
  {
    id: serial('id').primaryKey(),
    service: text('service').notNull(),
    status: text('status', { enum: serviceStatuses }).notNull(),
    responseTimeMs: integer('response_time_ms'),
    error: text('error'),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('service_status_service_checked_idx').on(t.service, t.checkedAt)],
);

/**
 * Probe time per service and UTC day, split into answered (up or degraded) and
 * down seconds: what the 30-day uptime reads once raw history (7 days) is gone.
 * Written for complete days from the raw history, idempotently.
 */
export const serviceUptimeDaily = pgTable(
  'service_uptime_daily',
  {
    service: text('service').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    upSeconds: integer('up_seconds').notNull(),
    downSeconds: integer('down_seconds').notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.day] })],
);

/**
 * An outage of a monitored service as members saw it (flap-suppressed, see
 * features/monitoring/incidents.ts). At most one open incident per service: the
 * partial unique index is what lets several replicas race to open it and
 * only one win.
 */
export const serviceIncidents = pgTable(
  'service_incidents',
  {
    id: serial('id').primaryKey(),
    service: text('service').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    /** The first answered probe after the last failed one; null while the incident is open. */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** Opened during a maintenance window of the service: no messages, shown as maintenance. */
    maintenance: boolean('maintenance').notNull().default(false),
    /** The probe's error when the incident opened (e.g. "connect ECONNREFUSED"). */
    cause: text('cause'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('service_incidents_open_idx')
      .on(t.service)
      .where(sql`ended_at is null`),
    index('service_incidents_started_idx').on(t.startedAt),
  ],
);

/** Planned work on some services (null: all), shown to everyone; outage messages and alerts are held back during it. */
export const maintenanceWindows = pgTable(
  'maintenance_windows',
  {
    id: serial('id').primaryKey(),
    services: jsonb('services').$type<string[] | null>(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    message: text('message').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('maintenance_windows_ends_idx').on(t.endsAt)],
);

/** A message from the admin to everyone, shown as a banner until it expires or is ended. */
export const announcements = pgTable(
  'announcements',
  {
    id: serial('id').primaryKey(),
    message: text('message').notNull(),
    severity: text('severity', { enum: announcementSeverities }).notNull().default('info'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('announcements_expires_idx').on(t.expiresAt)],
);

export const alerts = pgTable(
  'alerts',
  {
    id: serial('id').primaryKey(),
    fingerprint: text('fingerprint').notNull(),
    alertname: text('alertname').notNull(),
    status: text('status', { enum: ['firing', 'resolved'] }).notNull(),
    severity: text('severity'),
    summary: text('summary'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    annotations: jsonb('annotations').$type<Record<string, string>>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('alerts_received_idx').on(t.receivedAt),
    index('alerts_fingerprint_idx').on(t.fingerprint),
    /** One row per alert occurrence: Alertmanager re-sends it (firing, then resolved) with the same pair. */
    uniqueIndex('alerts_fingerprint_starts_idx').on(t.fingerprint, t.startsAt),
  ],
);

/** Small key/value store for generated secrets and identifiers that must survive restarts. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// ── Notifications ────────────────────────────────────────────────────────────

export { notificationChannelKinds };
export type { NotificationChannelKind };

/** A delivery channel the admin set up. Secrets (tokens, webhook URLs, SMTP password) live only in `secrets`, encrypted. */
export const notificationChannels = pgTable('notification_channels', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: notificationChannelKinds }).notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** The channel's settings that are not secret (ntfy server and topic, SMTP host, sender). */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  /** AES-256-GCM sealed JSON of the secret settings (see features/notifications/secret-box.ts). */
  secrets: text('secrets'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What a member wants from one channel: the events, and their own address (e-mail) or ntfy topic. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    channelId: integer('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    events: jsonb('events').$type<NotificationEvent[]>().notNull(),
    address: text('address'),
    /** E-mail: when the member opened the confirmation link sent to `address` (null: not confirmed, nothing is sent there). */
    addressConfirmedAt: timestamp('address_confirmed_at', { withTimezone: true }),
    /** SHA-256 (hex) of the confirmation link's token while one is outstanding; cleared when used. */
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: timestamp('confirm_expires_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notification_preferences_user_channel_idx').on(t.userId, t.channelId),
    index('notification_preferences_channel_idx').on(t.channelId),
  ],
);

/** "Notify me too": members following a request someone else (or they) made. */
export const requestFollowers = pgTable(
  'request_followers',
  {
    requestId: integer('request_id')
      .notNull()
      .references(() => mediaRequests.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('request_followers_request_user_idx').on(t.requestId, t.userId), index('request_followers_user_idx').on(t.userId)],
);

export const notificationDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type NotificationDeliveryStatus = (typeof notificationDeliveryStatuses)[number];

/**
 * One message to one member on one channel for one event. The unique
 * (event_key, user_id, channel_id) is what makes a message go out once, however
 * many replicas see the event and however often Overseerr's webhook repeats it.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: serial('id').primaryKey(),
    eventKey: text('event_key').notNull(),
    event: text('event').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    channelId: integer('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    /** The message as composed when the event happened (title, body, link, request facts). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: notificationDeliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notification_deliveries_once_idx').on(t.eventKey, t.userId, t.channelId),
    index('notification_deliveries_status_idx').on(t.status, t.createdAt),
  ],
);

/**
 * A browser a member subscribed to Web Push: the push service's endpoint and
 * the browser's keys (P-256 public key and auth secret, sealed like channel
 * secrets). One member may subscribe several devices; an endpoint belongs to
 * one member (the last to subscribe on that browser).
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: serial('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    /** AES-256-GCM sealed JSON `{ p256dh, auth }`. */
    keys: text('keys').notNull(),
    label: text('label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the push service answered 404/410: nothing is sent there; the row is listed until pruned (PUSH_GONE_KEEP_MS). */
    goneAt: timestamp('gone_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('push_subscriptions_endpoint_idx').on(t.endpoint), index('push_subscriptions_user_idx').on(t.userId)],
);

/**
 * Playback history: one row per Plex stream, written by the process that
 * watches Plex (features/playback/playback-history.ts). A row is open
 * (ended_at null) while the stream plays; the partial unique index on the
 * session key of open rows is what records a start once however many paths
 * (socket, poll, reconcile, a new watcher after a handover) see it. Rows older
 * than PLAYBACK_HISTORY_DAYS are deleted by the `playback-history-prune` job.
 */
export const playbackSessions = pgTable(
  'playback_sessions',
  {
    id: serial('id').primaryKey(),
    sessionKey: text('session_key').notNull(),
    /** The linked MediaNest member; null for a Plex account no member has linked. */
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    plexUsername: text('plex_username'),
    mediaType: text('media_type').notNull(),
    title: text('title').notNull(),
    /** The show of an episode. */
    grandparentTitle: text('grandparent_title'),
    season: integer('season'),
    episode: integer('episode'),
    year: integer('year'),
    player: text('player'),
    product: text('product'),
    decision: text('decision').notNull(),
    location: text('location').notNull(),
    durationMs: integer('duration_ms'),
    startOffsetMs: integer('start_offset_ms'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    watchedSeconds: integer('watched_seconds'),
  },
  (t) => [
    uniqueIndex('playback_sessions_open_idx')
      .on(t.sessionKey)
      .where(sql`${t.endedAt} is null`),
    index('playback_sessions_started_idx').on(t.startedAt),
    index('playback_sessions_user_idx').on(t.userId, t.startedAt),
  ],
);

// ── The Plex watchlist ───────────────────────────────────────────────────────

/**
 * A member's Plex token from their latest Plex sign-in, sealed like channel secrets
 * (features/notifications/secret-box.ts): MediaNest reads their plex.tv watchlist with it. Replaced
 * at each Plex sign-in; gone with the member (cascade) and as soon as the member's Plex account is
 * no longer the one it was issued for (`plex_id` differs from the member's: unlinked or replaced).
 */
export const plexTokens = pgTable('plex_tokens', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** The Plex account the token belongs to (users.plex_id at the time of the sign-in). */
  plexId: text('plex_id').notNull(),
  /** AES-256-GCM sealed token. */
  token: text('token').notNull(),
  /** The member opted in to automatic requests from their watchlist (while the owner offers them). */
  autoRequest: boolean('auto_request').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const watchlistOutcomes = ['claimed', 'requested', 'refused'] as const;
export type WatchlistOutcome = (typeof watchlistOutcomes)[number];

/**
 * What the automatic watchlist requests did, once per member and title: the unique key is what
 * keeps a title from being requested twice, however many replicas run the job or restart. A row is
 * `claimed` by the run about to ask Overseerr, then `requested` or `refused` (Overseerr's 403/409,
 * with the reason), and never tried again; a claim left by a run that died is taken over later.
 */
export const watchlistRequests = pgTable(
  'watchlist_requests',
  {
    id: serial('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mediaType: text('media_type', { enum: mediaTypes }).notNull(),
    tmdbId: integer('tmdb_id').notNull(),
    title: text('title').notNull(),
    outcome: text('outcome', { enum: watchlistOutcomes }).notNull().default('claimed'),
    /** Why Overseerr refused (a WatchlistSkipReason), for refused rows. */
    reason: text('reason'),
    requestId: integer('request_id').references(() => mediaRequests.id, { onDelete: 'set null' }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('watchlist_requests_once_idx').on(t.userId, t.mediaType, t.tmdbId)],
);
