/**
 * / (dashboard): whether the household's media services are up, from
 * GET /api/v1/services/status, kept live by 'service.status' events.
 */
import { MyPlayback } from '../components/playback/my-playback';
import { MyPlaybackHistory } from '../components/playback/my-playback-history';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { useUser } from '../app/session';
import { ServiceBadge } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo, formatMs, formatPercent } from '../components/format';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import './dashboard-page.css';

export function DashboardPage() {
  const { t } = useTranslation('dashboard');
  const user = useUser();
  const services = useApiData(async (signal) => (await api.get('/api/v1/services/status', undefined, signal)).services, []);

  // Back from a connection loss without the missed changes: read the statuses again.
  useRealtimeResync(() => services.refresh());
  useRealtimeEvent('service.status', (event) => {
    const known = services.data?.some((s) => s.service === event.service);
    // A service we have not listed yet (just added by an admin): fetch the list again for its name.
    if (!known) return services.refresh();
    services.setData((current) =>
      current?.map((s) =>
        s.service === event.service
          ? { ...s, status: event.status, responseTimeMs: event.responseTimeMs, lastCheckedAt: event.checkedAt }
          : s,
      ),
    );
  });

  const list = services.data ?? [];
  const down = list.filter((s) => s.status !== 'up');

  return (
    <Page title={t('title')} ready={!services.loading} actions={<LiveIndicator />}>
      <p className="lead">{t('welcome', { name: user.plexUsername ?? user.username })}</p>
      <MyPlayback />
      <MyPlaybackHistory />
      <section aria-labelledby="shortcuts-heading">
        <h2 id="shortcuts-heading" className="visually-hidden">
          {t('shortcuts.heading')}
        </h2>
        <ul className="shortcuts">
          <li>
            <Link to="/discover">{t('shortcuts.discover')}</Link>
          </li>
          <li>
            <Link to="/requests">{t('shortcuts.requests')}</Link>
          </li>
          <li>
            <Link to="/library">{t('shortcuts.library')}</Link>
          </li>
        </ul>
      </section>
      <section aria-labelledby="services-heading" className="panel">
        <h2 id="services-heading">{t('services.heading')}</h2>
        <p className="muted">
          <Link to="/status">{t('services.statusLink')}</Link>
        </p>
        {services.loading ? (
          <SkeletonRows count={3} label={t('services.loading')} />
        ) : services.error ? (
          <ErrorMessage message={services.error} onRetry={services.reload} />
        ) : list.length === 0 ? (
          <EmptyState>{t('services.none')}</EmptyState>
        ) : (
          <>
            <p className="summary" aria-live="polite">
              {down.length === 0 ? t('services.allUp') : t('services.attention', { count: list.length, down: down.length })}
            </p>
            <ul className="rows service-list">
              {list.map((s) => (
                <li key={s.service} className="row">
                  <span className="row-main">
                    <strong>{s.name}</strong>
                  </span>
                  <span className="row-meta muted">
                    {s.lastCheckedAt
                      ? t('services.checked', { time: formatMs(s.responseTimeMs), ago: formatAgo(s.lastCheckedAt) })
                      : t('services.notChecked')}
                    {s.uptime24h !== null &&
                      ` · ${t('services.uptime', { percent: formatPercent(s.uptime24h, s.uptime24h === 100 ? 0 : 1) })}`}
                  </span>
                  <ServiceBadge status={s.status} />
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </Page>
  );
}
