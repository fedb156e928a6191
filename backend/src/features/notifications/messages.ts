/**
 * The words of every member-facing notification, in the member's stored language (English when
 * unset): request outcomes, followed requests, outages, announcements, the channel test and the
 * e-mail confirmation. The strings live in `i18n/locales/<language>/notifications.json`; durations
 * are worded by `Intl` in the same language.
 */
import type { Announcement, NotificationEvent, ServiceIncident } from '@medianest/contracts';
import { translatorFor } from '../../i18n';

export interface MessageWords {
  title: string;
  body: string;
}

type RequestEvent = Exclude<NotificationEvent, 'service.down' | 'service.up' | 'announcement' | 'watchlist.requested'>;

/** "3 minutes", "2 hours, 5 minutes": how long an outage lasted, in the member's language. */
export function formatDuration(seconds: number, language: string | null = null): string {
  const { language: lng } = translatorFor(language);
  const unit = (value: number, name: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(lng, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
  if (seconds < 60) return unit(seconds, 'second');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return unit(minutes, 'minute');
  const parts = [unit(Math.floor(minutes / 60), 'hour')];
  if (minutes % 60) parts.push(unit(minutes % 60, 'minute'));
  return new Intl.ListFormat(lng, { type: 'unit', style: 'long' }).format(parts);
}

/** A request's outcome, or a followed request becoming available. */
export function requestMessage(event: RequestEvent, title: string, mediaType: string, language: string | null): MessageWords {
  const { t } = translatorFor(language);
  const context = mediaType === 'tv' ? 'tv' : 'movie';
  switch (event) {
    case 'request.approved':
      return { title: t('request.approved.title', { title }), body: t('request.approved.body', { title, context }) };
    case 'request.available':
      return { title: t('request.available.title', { title }), body: t('request.available.body', { title }) };
    case 'request.declined':
      return { title: t('request.declined.title', { title }), body: t('request.declined.body', { title, context }) };
    case 'request.failed':
      return { title: t('request.failed.title', { title }), body: t('request.failed.body', { title, context }) };
    case 'followed.available':
      return { title: t('followed.available.title', { title }), body: t('followed.available.body', { title }) };
  }
}

/** An outage starting (`service.down`) or ending (`service.up`). */
export function incidentMessage(incident: ServiceIncident, language: string | null): MessageWords {
  const { t } = translatorFor(language);
  const { name } = incident;
  const services = incident.affects.join(', ');
  if (incident.endedAt) {
    const affects = services ? ` ${t('incident.affectsUp', { services })}` : '';
    const duration = formatDuration(incident.durationSeconds, language);
    return { title: t('incident.up.title', { name }), body: `${t('incident.up.body', { name, duration })}${affects}` };
  }
  const affects = services ? ` ${t('incident.affectsDown', { services })}` : '';
  return { title: t('incident.down.title', { name }), body: `${t('incident.down.body', { name })}${affects}` };
}

/** An administrator's announcement: its text as written, under a title in the member's language. */
export function announcementMessage(announcement: Announcement, language: string | null): MessageWords {
  const { t } = translatorFor(language);
  return {
    title: announcement.severity === 'warning' ? t('announcement.titleImportant') : t('announcement.title'),
    body: announcement.message,
  };
}

/** "Send test" on a channel, to the administrator who pressed it. */
export function testMessage(channel: string, language: string | null): MessageWords {
  const { t } = translatorFor(language);
  return { title: t('test.title'), body: t('test.body', { channel }) };
}

/** The link that confirms a member's e-mail address. */
export function confirmationMessage(username: string, language: string | null): MessageWords {
  const { t } = translatorFor(language);
  return { title: t('confirm.title'), body: t('confirm.body', { username }) };
}

/** A title MediaNest requested for a member because it is on their Plex watchlist. */
export function watchlistRequestedMessage(title: string, mediaType: string, language: string | null): MessageWords {
  const { t } = translatorFor(language);
  const context = mediaType === 'tv' ? 'tv' : 'movie';
  return { title: t('watchlist.requested.title', { title }), body: t('watchlist.requested.body', { title, context }) };
}
