/**
 * The banners every signed-in page shows: the admin's announcements in force
 * and maintenance windows now or within the next day (GET
 * /api/v1/status/notices), replaced live by `status.notices` events. A window
 * starting or ending on schedule is picked up by the page's own clock.
 */
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { maintenanceScope, noticesAt } from '../api/notices';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import { formatDateTime } from './format';
import './status-banners.css';

/** The current time, moved on every `everyMs`. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function StatusBanners() {
  const { t } = useTranslation('common');
  const notices = useApiData(async (signal) => api.get('/api/v1/status/notices', undefined, signal), []);
  useRealtimeResync(() => notices.refresh());
  useRealtimeEvent('status.notices', (next) => notices.setData(next));
  const now = useNow(30_000);
  if (!notices.data) return null;
  const { announcements, active, upcoming } = noticesAt(notices.data, now);
  if (announcements.length + active.length + upcoming.length === 0) return null;
  return (
    <section className="banners" aria-label={t('banners.label')}>
      {announcements.map((a) => (
        <div key={`a${a.id}`} className={`banner banner-${a.severity}`} role="status">
          <strong className="banner-kind">{a.severity === 'warning' ? t('banners.important') : t('banners.announcement')}</strong>
          <span className="banner-text">{a.message}</span>
        </div>
      ))}
      {active.map((m) => (
        <div key={`m${m.id}`} className="banner banner-maintenance" role="status">
          <strong className="banner-kind">{t('banners.maintenanceNow')}</strong>
          <span className="banner-text">
            <Trans
              t={t}
              i18nKey="banners.maintenanceUntil"
              values={{ scope: maintenanceScope(m), until: formatDateTime(m.endsAt), message: m.message }}
              components={{ go: <Link to="/status" /> }}
            />
          </span>
        </div>
      ))}
      {upcoming.map((m) => (
        <div key={`u${m.id}`} className="banner banner-info" role="status">
          <strong className="banner-kind">{t('banners.plannedMaintenance')}</strong>
          <span className="banner-text">
            {t('banners.maintenanceFromTo', {
              scope: maintenanceScope(m),
              from: formatDateTime(m.startsAt),
              to: formatDateTime(m.endsAt),
              message: m.message,
            })}
          </span>
        </div>
      ))}
    </section>
  );
}
