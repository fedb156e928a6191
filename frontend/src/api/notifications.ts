/**
 * Notification channels, a member's choices and request follows
 * (/api/v1/notifications, /api/v1/admin/notifications): the shapes are the
 * contract's, returned typed by `api.*`; the labels the pages show are here.
 */
import type { NotificationChannelKind, NotificationEvent } from '@medianest/contracts';

export { notificationChannelKinds as CHANNEL_KINDS } from '@medianest/contracts';
export type {
  NotificationChannel,
  NotificationChannelPreference as ChannelPreference,
  NotificationEvent,
  NotificationTestResult as TestResult,
  PushState,
} from '@medianest/contracts';
export type ChannelKind = NotificationChannelKind;

export const EVENT_LABELS: Record<NotificationEvent, string> = {
  'request.approved': 'My request was approved',
  'request.available': 'My request is ready to watch',
  'request.declined': 'My request was declined',
  'request.failed': 'My request failed',
  'followed.available': 'A request I follow is ready to watch',
  'service.down': 'A service is down (Plex, Overseerr, …)',
  'service.up': 'A service is back after an outage',
  announcement: 'The server owner makes an announcement',
};

export const KIND_LABELS: Record<ChannelKind, string> = {
  ntfy: 'ntfy',
  discord: 'Discord webhook',
  slack: 'Slack-compatible webhook',
  webhook: 'Signed JSON webhook',
  email: 'E-mail (SMTP)',
  webpush: 'Web Push',
};
