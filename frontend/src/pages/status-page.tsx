/**
 * /status: every monitored service's state, what it affects, its uptime over
 * 24 hours, 7 days and 30 days, and the incidents of the last 30 days
 * (GET /api/v1/status), refreshed live on status, incident and notice events.
 */
import type { ServiceIncident, StatusPageService, UptimeFigure } from '@medianest/contracts';
import { api } from '../api/client';
import { ServiceBadge } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo, formatDateTime, formatDuration, formatMs } from '../components/format';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import './status-page.css';

function Uptime({ label, figure }: { label: string; figure: UptimeFigure }) {
  const partly = figure.percent !== null && figure.observedPercent < 90;
  return (
    <div className="uptime">
      <dt>{label}</dt>
      <dd title={figure.percent === null ? 'No checks in this period' : `Checked ${figure.observedPercent} % of the time`}>
        {figure.percent === null ? '—' : `${figure.percent.toFixed(figure.percent === 100 ? 0 : 2)} %`}
        {partly && (
          <span className="muted uptime-seen"> (seen {figure.observedPercent < 1 ? 'under 1' : Math.round(figure.observedPercent)} %)</span>
        )}
      </dd>
    </div>
  );
}

function ServiceRow({ s }: { s: StatusPageService }) {
  return (
    <li className="row status-service">
      <span className="row-main">
        <strong>{s.name}</strong>
        <span className="muted row-sub">
          {s.affects.length > 0 ? `Used for ${s.affects.join(', ')}` : 'Household service'}
          {' · '}
          {s.lastCheckedAt ? `${formatMs(s.responseTimeMs)}, checked ${formatAgo(s.lastCheckedAt)}` : 'Not checked yet'}
        </span>
        <dl className="uptimes" aria-label={`Uptime of ${s.name}`}>
          <Uptime label="24 h" figure={s.uptime.h24} />
          <Uptime label="7 days" figure={s.uptime.d7} />
          <Uptime label="30 days" figure={s.uptime.d30} />
        </dl>
      </span>
      <span className="status-badges">
        {s.inMaintenance && <span className="badge badge-info">Maintenance</span>}
        <ServiceBadge status={s.status} />
      </span>
    </li>
  );
}

function IncidentRow({ i }: { i: ServiceIncident }) {
  return (
    <li className="row incident">
      <span className="row-main">
        <strong>
          {i.name} {i.endedAt ? 'was down' : 'is down'}
        </strong>
        <span className="row-sub">
          {formatDateTime(i.startedAt)}
          {i.endedAt ? ` – ${formatDateTime(i.endedAt)}` : ' – now'} · {formatDuration(i.durationSeconds)}
        </span>
        {i.affects.length > 0 && <span className="row-sub muted">Affected: {i.affects.join(', ')}</span>}
        {i.cause && <span className="row-sub muted">Cause seen: {i.cause}</span>}
      </span>
      {i.maintenance ? (
        <span className="badge badge-info">Maintenance</span>
      ) : i.endedAt ? (
        <span className="badge badge-success">Resolved</span>
      ) : (
        <span className="badge badge-danger">Ongoing</span>
      )}
    </li>
  );
}

export function StatusPage() {
  const status = useApiData(async (signal) => api.get('/api/v1/status', undefined, signal), []);
  useRealtimeResync(() => status.refresh());
  useRealtimeEvent('service.status', () => status.refresh());
  useRealtimeEvent('status.incident', () => status.refresh());
  useRealtimeEvent('status.notices', () => status.refresh());

  const data = status.data;
  const services = data?.services ?? [];
  const troubled = services.filter((s) => s.status === 'down' || s.status === 'degraded');

  return (
    <Page title="Service status" ready={!status.loading} actions={<LiveIndicator />}>
      {status.loading ? (
        <SkeletonRows count={3} label="Loading service status" />
      ) : status.error || !data ? (
        <ErrorMessage message={status.error ?? 'Could not load the status'} onRetry={status.reload} />
      ) : (
        <>
          <section aria-labelledby="status-services-heading" className="panel">
            <h2 id="status-services-heading">Services</h2>
            {services.length === 0 ? (
              <EmptyState>No services are monitored yet.</EmptyState>
            ) : (
              <>
                <p className="summary" aria-live="polite">
                  {troubled.length > 0
                    ? `${troubled.map((s) => s.name).join(', ')} ${troubled.length === 1 ? 'has' : 'have'} problems right now.`
                    : services.every((s) => s.status === 'unknown')
                      ? 'Not checked yet: the first checks run within a minute.'
                      : 'Everything is working.'}
                </p>
                <ul className="rows">
                  {services.map((s) => (
                    <ServiceRow key={s.service} s={s} />
                  ))}
                </ul>
                <p className="muted fine-print">
                  Uptime is the share of checked time a service answered (slow answers count as up). Checks run every{' '}
                  {formatDuration(data.checkIntervalSeconds)}; time nobody checked, for example while MediaNest was stopped, is left out,
                  and “seen” says how much was checked.
                </p>
              </>
            )}
          </section>
          <section aria-labelledby="status-incidents-heading" className="panel">
            <h2 id="status-incidents-heading">Incidents in the last 30 days</h2>
            {data.incidents.length === 0 ? (
              <EmptyState>No outages in the last 30 days.</EmptyState>
            ) : (
              <ul className="rows">
                {data.incidents.map((i) => (
                  <IncidentRow key={i.id} i={i} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
