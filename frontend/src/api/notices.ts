/**
 * Announcements and maintenance windows (GET /api/v1/status/notices, the
 * `status.notices` event): which of them a page shows at a given moment.
 */
import type { MaintenanceWindow, StatusNotices } from '@medianest/contracts';
import { i18next } from '../i18n';

/** Maintenance starting within this time is shown ahead, as planned. */
export const UPCOMING_WITHIN_MS = 86_400_000;

/** The services a window covers, as members know them. */
export function maintenanceScope(m: MaintenanceWindow): string {
  return m.services === null ? i18next.t('common:banners.allServices') : m.serviceNames.join(', ');
}

/** What is shown at `now`: announcements not expired, maintenance in progress, and maintenance starting within a day. */
export function noticesAt(notices: StatusNotices, now: number) {
  return {
    announcements: notices.announcements.filter((a) => a.expiresAt === null || Date.parse(a.expiresAt) > now),
    active: notices.maintenance.filter((m) => Date.parse(m.startsAt) <= now && Date.parse(m.endsAt) > now),
    upcoming: notices.maintenance.filter((m) => Date.parse(m.startsAt) > now && Date.parse(m.startsAt) - now <= UPCOMING_WITHIN_MS),
  };
}
