/** The words both sides use: roles, media types, request statuses, service states, availability. */

export const userRoles = ['admin', 'user'] as const;
export type UserRole = (typeof userRoles)[number];

export const mediaTypes = ['movie', 'tv'] as const;
export type MediaType = (typeof mediaTypes)[number];

/** A request's life: pending → approved → processing → available, or declined / failed / cancelled. */
export const requestStatuses = ['pending', 'approved', 'declined', 'processing', 'available', 'failed', 'cancelled'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** What a health check of a media service found. */
export const serviceStatuses = ['up', 'down', 'degraded'] as const;
export type ServiceStatus = (typeof serviceStatuses)[number];

/**
 * Where a title stands in the household's library, as shown next to a search
 * result. `blocklisted`: the server owner blocked it in Overseerr; it cannot
 * be requested. A title deleted from Plex is `none` again (requestable).
 */
export const availabilities = ['available', 'partially_available', 'processing', 'requested', 'blocklisted', 'none'] as const;
export type Availability = (typeof availabilities)[number];

/** Steps of a request's timeline: its statuses plus what happens in between. */
export const timelineSteps = [...requestStatuses, 'requested', 'downloading', 'retried'] as const;
export type TimelineStep = (typeof timelineSteps)[number];

/** Where one requested season of a show stands. */
export const seasonStates = ['pending', 'processing', 'partially_available', 'available'] as const;
export type SeasonState = (typeof seasonStates)[number];

/** Where notifications go: a channel an administrator sets up is one of these. */
export const notificationChannelKinds = ['ntfy', 'discord', 'slack', 'webhook', 'email', 'webpush'] as const;
export type NotificationChannelKind = (typeof notificationChannelKinds)[number];

/**
 * What a member can be notified of: their own requests' outcomes, followed
 * requests becoming available, outages of the household's services (start and
 * end of an incident), the admin's announcements, and titles requested for
 * them from their Plex watchlist.
 */
export const notificationEvents = [
  'request.approved',
  'request.available',
  'request.declined',
  'request.failed',
  'followed.available',
  'service.down',
  'service.up',
  'announcement',
  'watchlist.requested',
] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

/** How loud an admin announcement is. */
export const announcementSeverities = ['info', 'warning'] as const;
export type AnnouncementSeverity = (typeof announcementSeverities)[number];

/** What kind of problem a member reports about a title (Overseerr's issue types 1–4, in order). */
export const issueTypes = ['video', 'audio', 'subtitles', 'other'] as const;
export type IssueType = (typeof issueTypes)[number];

/** Where a problem report stands (Overseerr's issue statuses 1 and 2). */
export const issueStatuses = ['open', 'resolved'] as const;
export type IssueStatus = (typeof issueStatuses)[number];

/** The languages the web app and the member-facing notifications are translated into (ISO 639-1). */
export const languages = ['en', 'de', 'fr', 'es'] as const;
export type Language = (typeof languages)[number];
