/**
 * Notification channels, a member's choices and request follows
 * (/api/v1/notifications, /api/v1/admin/notifications): the shapes are the
 * contract's, returned typed by `api.*`; the labels the pages show are here.
 */
import type { NotificationChannelKind, NotificationEvent } from '@medianest/contracts';
import { i18next } from '../i18n';

export { notificationChannelKinds as CHANNEL_KINDS } from '@medianest/contracts';
export type {
  NotificationChannel,
  NotificationChannelPreference as ChannelPreference,
  NotificationEvent,
  NotificationTestResult as TestResult,
  PushState,
} from '@medianest/contracts';
export type ChannelKind = NotificationChannelKind;

/** What a member ticks to hear about an event, in the current language. */
export function eventLabel(event: NotificationEvent): string {
  return i18next.t(`notifications:events.${event}`);
}

/** A channel kind as the pages name it, in the current language. */
export function kindLabel(kind: ChannelKind): string {
  return i18next.t(`notifications:kinds.${kind}`);
}
