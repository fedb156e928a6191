/**
 * What the web app sends: the zod schemas the server validates request bodies
 * and query strings with. The server parses with them (a failure is a 400
 * VALIDATION_FAILED naming each issue); the web app types what it sends with
 * their input types.
 */
import { z } from 'zod';
import {
  announcementSeverities,
  issueTypes,
  languages,
  mediaTypes,
  notificationChannelKinds,
  notificationEvents,
  requestStatuses,
  userRoles,
} from './domain';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

/** Rules for a password someone chooses (change, reset, the admin CLI). */
export const newPasswordSchema = z
  .string({ message: 'a new password is required' })
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

/** POST /api/v1/auth/login */
export const loginBody = z.object({
  username: z.string().trim().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(MAX_PASSWORD_LENGTH),
});
export type LoginBody = z.input<typeof loginBody>;

/** POST /api/v1/auth/password: the signed-in user changes their password. */
export const changePasswordBody = z
  .object({
    currentPassword: z
      .string({ message: 'the current password is required' })
      .min(1, 'the current password is required')
      .max(MAX_PASSWORD_LENGTH),
    newPassword: newPasswordSchema,
  })
  .strict();
export type ChangePasswordBody = z.input<typeof changePasswordBody>;

const resetToken = z.string({ message: 'token is required' }).min(1, 'token is required').max(200);
/** POST /api/v1/auth/password-reset/inspect: whom a reset link is for. */
export const passwordResetInspectBody = z.object({ token: resetToken }).strict();
export type PasswordResetInspectBody = z.input<typeof passwordResetInspectBody>;
/** POST /api/v1/auth/password-reset: set the password with a reset link. */
export const passwordResetCompleteBody = z.object({ token: resetToken, newPassword: newPasswordSchema }).strict();
export type PasswordResetCompleteBody = z.input<typeof passwordResetCompleteBody>;

/** POST /api/v1/admin/users: a local account, without a password (the answer carries the link to set one). */
export const adminUserCreateBody = z
  .object({
    username: z
      .string({ message: 'username is required' })
      .trim()
      .min(1, 'username is required')
      .max(64, 'must be at most 64 characters')
      .regex(/^[\p{L}\p{N}._@-]+$/u, 'use letters, digits, dots, dashes, underscores or @'),
    email: z.email('must be an e-mail address').max(254).optional(),
    role: z.enum(userRoles).default('user'),
  })
  .strict();
export type AdminUserCreateBody = z.input<typeof adminUserCreateBody>;

/** POST /api/v1/auth/plex/verify */
export const plexVerifyBody = z.object({ id: z.number({ message: 'id must be the PIN id (a number)' }).int().positive() }).strict();
export type PlexVerifyBody = z.input<typeof plexVerifyBody>;

/** PATCH /api/v1/admin/users/:id */
export const adminUserPatchBody = z
  .object({ role: z.enum(userRoles).optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.enabled !== undefined, 'give role or enabled');
export type AdminUserPatchBody = z.input<typeof adminUserPatchBody>;

/** PATCH /api/v1/auth/account: the signed-in member's own settings; `language: null` follows the browser again. */
export const accountPatchBody = z
  .object({
    language: z.enum(languages, { message: `must be one of ${languages.join(', ')}, or null for the browser's language` }).nullable(),
  })
  .strict();
export type AccountPatchBody = z.input<typeof accountPatchBody>;

const serviceName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const serviceUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

/** POST /api/v1/admin/services */
export const monitoredServiceCreateBody = z.object({ name: serviceName, url: serviceUrl, enabled: z.boolean().default(true) }).strict();
export type MonitoredServiceCreateBody = z.input<typeof monitoredServiceCreateBody>;

/** PATCH /api/v1/admin/services/:id */
export const monitoredServicePatchBody = z
  .object({ name: serviceName.optional(), url: serviceUrl.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.url !== undefined || b.enabled !== undefined, 'give name, url or enabled');
export type MonitoredServicePatchBody = z.input<typeof monitoredServicePatchBody>;

const tmdbId = z.number({ message: 'tmdbId must be a number' }).int().positive().max(2_147_483_647);

/** Path parameters naming a title: `/:type/:tmdbId` (GET /api/v1/media/:type/:tmdbId, the title follows). */
export const titleParams = z.object({
  type: z.enum(mediaTypes, { message: 'type must be movie or tv' }),
  tmdbId: z.coerce.number({ message: 'tmdbId must be a number' }).int().positive('tmdbId must be a positive number').max(2_147_483_647),
});

/** GET /api/v1/discover/rows/:row — the fixed rows, or a genre row by its TMDB genre id. */
export const discoverRowParams = z.object({
  row: z
    .string()
    .regex(
      /^(trending|popular-movies|popular-tv|upcoming-movies|upcoming-tv|(movie|tv)-genre-[1-9]\d{0,8})$/,
      'row must be trending, popular-movies, popular-tv, upcoming-movies, upcoming-tv, movie-genre-<id> or tv-genre-<id>',
    ),
});

/** GET /api/v1/discover/titles/:type/:tmdbId/:list — a title's recommendations or similar titles. */
export const titleListParams = titleParams.extend({
  list: z.enum(['recommendations', 'similar'], { message: 'list must be recommendations or similar' }),
});

/** ?page= of a row of titles (TMDB serves at most 500 pages). */
export const titleListQuery = z.object({
  page: z.coerce
    .number({ message: 'page must be a number' })
    .int('page must be a whole number')
    .min(1, 'page starts at 1')
    .max(500, 'page is at most 500')
    .default(1),
});
export type TitleListQuery = z.input<typeof titleListQuery>;

/** POST /api/v1/media/requests */
export const mediaRequestCreateBody = z
  .object({
    mediaType: z.enum(mediaTypes, { message: 'mediaType must be movie or tv' }),
    tmdbId,
    seasons: z
      .array(z.number().int().min(0).max(1000))
      .min(1, 'seasons, when given, lists at least one season')
      .max(200)
      .refine((s) => new Set(s).size === s.length, 'seasons must not repeat')
      .optional(),
  })
  .strict()
  .refine((b) => b.mediaType === 'tv' || b.seasons === undefined, { message: 'seasons only apply to tv', path: ['seasons'] });
export type MediaRequestCreateBody = z.input<typeof mediaRequestCreateBody>;

const problemMessage = z
  .string({ message: 'message is required' })
  .trim()
  .min(1, 'describe the problem in a few words')
  .max(2000, 'message is at most 2000 characters');

/** POST /api/v1/issues: report a problem with a title in Plex (for a show, optionally one season or episode). */
export const problemReportCreateBody = z
  .object({
    mediaType: z.enum(mediaTypes, { message: 'mediaType must be movie or tv' }),
    tmdbId,
    issueType: z.enum(issueTypes, { message: 'issueType must be video, audio, subtitles or other' }),
    message: problemMessage,
    season: z.number().int().min(1).max(1000).optional(),
    episode: z.number().int().min(1).max(10_000).optional(),
  })
  .strict()
  .refine((b) => b.mediaType === 'tv' || (b.season === undefined && b.episode === undefined), {
    message: 'season and episode only apply to tv',
    path: ['season'],
  })
  .refine((b) => b.episode === undefined || b.season !== undefined, { message: 'give the season of the episode', path: ['season'] });
export type ProblemReportCreateBody = z.input<typeof problemReportCreateBody>;

/** POST /api/v1/issues/:id/comments */
export const problemCommentBody = z.object({ message: problemMessage }).strict();
export type ProblemCommentBody = z.input<typeof problemCommentBody>;

/** GET /api/v1/media/search?q&page */
export const mediaSearchQuery = z.object({
  q: z.string().trim().min(1, 'q (what to search for) is required').max(100, 'q is at most 100 characters'),
  page: z.coerce.number().int().min(1).max(500).default(1),
});
export type MediaSearchQuery = z.input<typeof mediaSearchQuery>;

/** GET /api/v1/media/requests?status&page&pageSize */
export const mediaRequestListQuery = z.object({
  status: z.enum(requestStatuses).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type MediaRequestListQuery = z.input<typeof mediaRequestListQuery>;

/** GET /api/v1/plex/libraries/:key/items?page */
export const libraryPageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });
export type LibraryPageQuery = z.input<typeof libraryPageQuery>;

/** GET /api/v1/plex/search?q */
export const librarySearchQuery = z.object({
  q: z.string().trim().min(1, 'q (what to search for) is required').max(100, 'q is at most 100 characters'),
});
export type LibrarySearchQuery = z.input<typeof librarySearchQuery>;

/**
 * POST /api/v1/admin/notifications/channels and PATCH …/channels/:id. The
 * kind's own settings and secrets are checked by the server per kind; an
 * omitted secret keeps its stored value, null clears an optional one.
 */
export const notificationChannelBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    kind: z.enum(notificationChannelKinds).optional(),
    enabled: z.boolean().optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    secrets: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type NotificationChannelBody = z.input<typeof notificationChannelBody>;

/** PATCH /api/v1/notifications/preferences/:channelId: the events a member wants on a channel, and their address there. */
export const notificationPreferenceBody = z
  .object({
    events: z.array(z.enum(notificationEvents)).max(notificationEvents.length),
    address: z.string().trim().max(320).nullable().optional(),
  })
  .strict();
export type NotificationPreferenceBody = z.input<typeof notificationPreferenceBody>;

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[\w-]+=*$/, `${what} must be base64url`)
    .refine((v) => Math.floor((v.replace(/=+$/, '').length * 6) / 8) === bytes, `${what} must be ${bytes} bytes`);

/**
 * POST /api/v1/notifications/push/subscriptions: a browser's PushSubscription
 * (`subscription.toJSON()`) and a name for the device. The endpoint is the push
 * service's URL: absolute, without credentials or fragment, https (plain http
 * only on the loopback, which the server accepts only when its tests opt in);
 * the server decides which push services it reaches (its outbound-address
 * policy: known push service hosts, public addresses only). p256dh is the
 * browser's P-256 public key, auth its 16-byte secret.
 */
export const pushSubscriptionBody = z
  .object({
    endpoint: z
      .string()
      .max(2000)
      .refine((v) => {
        try {
          const url = new URL(v);
          if (url.username || url.password || url.hash) return false;
          return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
        } catch {
          return false;
        }
      }, "must be the push service's https:// URL"),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: base64url(65, 'keys.p256dh'), auth: base64url(16, 'keys.auth') }).strict(),
    label: z.string().trim().max(100).optional(),
  })
  .strict();
export type PushSubscriptionBody = z.input<typeof pushSubscriptionBody>;

/** POST /api/v1/notifications/push/unsubscribe: this browser's endpoint, after it unsubscribed. */
export const pushUnsubscribeBody = z.object({ endpoint: z.string().max(2000) }).strict();
export type PushUnsubscribeBody = z.input<typeof pushUnsubscribeBody>;

const noticeMessage = z
  .string({ message: 'message is required' })
  .trim()
  .min(1, 'message is required')
  .max(500, 'must be at most 500 characters');
const instant = (what: string) => z.iso.datetime({ offset: true, message: `${what} must be an ISO 8601 date and time` });

/** POST /api/v1/admin/status/maintenance: planned work on some services (a list of service keys) or all (null). */
export const maintenanceCreateBody = z
  .object({
    services: z
      .array(z.string().regex(/^(plex|overseerr|monitored:\d{1,9})$/, 'must be plex, overseerr or monitored:<id>'))
      .min(1, 'list at least one service, or null for all')
      .max(100)
      .nullable(),
    startsAt: instant('startsAt'),
    endsAt: instant('endsAt'),
    message: noticeMessage,
  })
  .strict()
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] });
export type MaintenanceCreateBody = z.input<typeof maintenanceCreateBody>;

/** POST /api/v1/admin/status/announcements: a banner for everyone, until expiresAt (null: until ended). */
export const announcementCreateBody = z
  .object({
    message: noticeMessage,
    severity: z.enum(announcementSeverities, { message: 'severity must be info or warning' }).default('info'),
    expiresAt: instant('expiresAt').nullable().default(null),
  })
  .strict();
export type AnnouncementCreateBody = z.input<typeof announcementCreateBody>;

/** POST /api/v1/admin/users/:id/identities: an admin links a member to their SSO identity (the provider's `sub`). */
export const linkIdentityBody = z.object({
  subject: z.string().trim().min(1, 'subject is required').max(255),
});
export type LinkIdentityBody = z.input<typeof linkIdentityBody>;

/** GET /api/v1/admin/playback/history and /api/v1/playback/history: the window in days (default 7). */
export const playbackHistoryQuery = z.object({
  days: z.coerce.number({ message: 'must be a number of days' }).int().min(1).max(3650).default(7),
});
export type PlaybackHistoryQuery = z.input<typeof playbackHistoryQuery>;
