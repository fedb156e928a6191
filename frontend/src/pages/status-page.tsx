/**
 * /status: every monitored service's state, what it affects, its uptime over
 * 24 hours, 7 days and 30 days, and the incidents of the last 30 days
 * (GET /api/v1/status), refreshed live on status, incident and notice events.
 */
import type { ServiceIncident, StatusPageService, UptimeFigure } from '@medianest/contracts';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { ServiceBadge } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo, formatDateTime, formatDuration, formatMs, formatPercent } from '../components/format';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import './status-page.css';

function Uptime({ label, figure }: { label: string; figure: UptimeFigure }) {
  const { t } = useTranslation('status');
  const partly = figure.percent !== null && figure.observedPercent < 90;
  return (
    <div className="uptime">
      <dt>{label}</dt>
      <dd
        title={
          figure.percent === null ? t('uptime.noChecks') : t('uptime.checkedShare', { percent: formatPercent(figure.observedPercent) })
        }
      >
        {figure.percent === null ? '—' : formatPercent(figure.percent, figure.percent === 100 ? 0 : 2)}
        {partly && (
          <span className="muted uptime-seen">
            {' '}
            {figure.observedPercent < 1
              ? t('uptime.seenUnderOne', { percent: formatPercent(1) })
              : t('uptime.seen', { percent: formatPercent(figure.observedPercent) })}
          </span>
        )}
      </dd>
    </div>
  );
}

function ServiceRow({ s }: { s: StatusPageService }) {
  const { t } = useTranslation('status');
  return (
    <li className="row status-service">
      <span className="row-main">
        <strong>{s.name}</strong>
        <span className="muted row-sub">
          {s.affects.length > 0 ? t('service.usedFor', { what: s.affects.join(', ') }) : t('service.household')}
          {' · '}
          {s.lastCheckedAt
            ? t('service.checked', { time: formatMs(s.responseTimeMs), ago: formatAgo(s.lastCheckedAt) })
            : t('dashboard:services.notChecked')}
        </span>
        <dl className="uptimes" aria-label={t('uptime.label', { name: s.name })}>
          <Uptime label={t('uptime.h24')} figure={s.uptime.h24} />
          <Uptime label={t('uptime.d7')} figure={s.uptime.d7} />
          <Uptime label={t('uptime.d30')} figure={s.uptime.d30} />
        </dl>
      </span>
      <span className="status-badges">
        {s.inMaintenance && <span className="badge badge-info">{t('maintenance')}</span>}
        <ServiceBadge status={s.status} />
      </span>
    </li>
  );
}

function IncidentRow({ i }: { i: ServiceIncident }) {
  const { t } = useTranslation('status');
  return (
    <li className="row incident">
      <span className="row-main">
        <strong>{i.endedAt ? t('incident.wasDown', { name: i.name }) : t('incident.isDown', { name: i.name })}</strong>
        <span className="row-sub">
          {formatDateTime(i.startedAt)}
          {` – ${i.endedAt ? formatDateTime(i.endedAt) : t('incident.now')}`} · {formatDuration(i.durationSeconds)}
        </span>
        {i.affects.length > 0 && <span className="row-sub muted">{t('incident.affected', { what: i.affects.join(', ') })}</span>}
        {i.cause && <span className="row-sub muted">{t('incident.cause', { cause: i.cause })}</span>}
      </span>
      {i.maintenance ? (
        <span className="badge badge-info">{t('maintenance')}</span>
      ) : i.endedAt ? (
        <span className="badge badge-success">{t('incident.resolved')}</span>
      ) : (
        <span className="badge badge-danger">{t('incident.ongoing')}</span>
      )}
    </li>
  );
}

export function StatusPage() {
  const { t } = useTranslation('status');
  const status = useApiData(async (signal) => api.get('/api/v1/status', undefined, signal), []);
  useRealtimeResync(() => status.refresh());
  useRealtimeEvent('service.status', () => status.refresh());
  useRealtimeEvent('status.incident', () => status.refresh());
  useRealtimeEvent('status.notices', () => status.refresh());

  const data = status.data;
  const services = data?.services ?? [];
  const troubled = services.filter((s) => s.status === 'down' || s.status === 'degraded');

  return (
    <Page title={t('title')} ready={!status.loading} actions={<LiveIndicator />}>
      {status.loading ? (
        <SkeletonRows count={3} label={t('dashboard:services.loading')} />
      ) : status.error || !data ? (
        <ErrorMessage message={status.error ?? t('loadFailed')} onRetry={status.reload} />
      ) : (
        <>
          <section aria-labelledby="status-services-heading" className="panel">
            <h2 id="status-services-heading">{t('dashboard:services.heading')}</h2>
            {services.length === 0 ? (
              <EmptyState>{t('dashboard:services.none')}</EmptyState>
            ) : (
              <>
                <p className="summary" aria-live="polite">
                  {troubled.length > 0
                    ? t('summary.troubled', { count: troubled.length, names: troubled.map((s) => s.name).join(', ') })
                    : services.every((s) => s.status === 'unknown')
                      ? t('summary.unchecked')
                      : t('summary.fine')}
                </p>
                <ul className="rows">
                  {services.map((s) => (
                    <ServiceRow key={s.service} s={s} />
                  ))}
                </ul>
                <p className="muted fine-print">{t('finePrint', { interval: formatDuration(data.checkIntervalSeconds) })}</p>
              </>
            )}
          </section>
          <section aria-labelledby="status-incidents-heading" className="panel">
            <h2 id="status-incidents-heading">{t('incidents.heading')}</h2>
            {data.incidents.length === 0 ? (
              <EmptyState>{t('incidents.none')}</EmptyState>
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
