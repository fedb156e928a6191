/**
 * / (dashboard): whether the household's media services are up, from
 * GET /api/v1/services/status, kept live by 'service.status' events.
 */
import { MyPlayback } from '../components/playback/my-playback';
import { MyPlaybackHistory } from '../components/playback/my-playback-history';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { useUser } from '../app/session';
import { ServiceBadge } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo, formatMs } from '../components/format';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import './dashboard-page.css';

export function DashboardPage() {
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
    <Page title="Dashboard" ready={!services.loading} actions={<LiveIndicator />}>
      <p className="lead">Welcome back, {user.plexUsername ?? user.username}.</p>
      <MyPlayback />
      <MyPlaybackHistory />
      <section aria-labelledby="shortcuts-heading">
        <h2 id="shortcuts-heading" className="visually-hidden">
          Shortcuts
        </h2>
        <ul className="shortcuts">
          <li>
            <Link to="/discover">Find a movie or show to request</Link>
          </li>
          <li>
            <Link to="/requests">Follow your requests</Link>
          </li>
          <li>
            <Link to="/library">Browse the library</Link>
          </li>
        </ul>
      </section>
      <section aria-labelledby="services-heading" className="panel">
        <h2 id="services-heading">Services</h2>
        <p className="muted">
          <Link to="/status">Uptime, incidents and planned maintenance</Link>
        </p>
        {services.loading ? (
          <SkeletonRows count={3} label="Loading service status" />
        ) : services.error ? (
          <ErrorMessage message={services.error} onRetry={services.reload} />
        ) : list.length === 0 ? (
          <EmptyState>No services are monitored yet.</EmptyState>
        ) : (
          <>
            <p className="summary" aria-live="polite">
              {down.length === 0 ? 'Everything is up.' : `${down.length} of ${list.length} services need attention.`}
            </p>
            <ul className="rows service-list">
              {list.map((s) => (
                <li key={s.service} className="row">
                  <span className="row-main">
                    <strong>{s.name}</strong>
                  </span>
                  <span className="row-meta muted">
                    {s.lastCheckedAt ? `${formatMs(s.responseTimeMs)} · checked ${formatAgo(s.lastCheckedAt)}` : 'Not checked yet'}
                    {s.uptime24h !== null && ` · ${s.uptime24h.toFixed(s.uptime24h === 100 ? 0 : 1)}% up (24 h)`}
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
