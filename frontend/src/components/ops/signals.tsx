/** Signals on the Ops page: Web Vitals p75 per route, alerts received, notification deliveries and the latest errors. */
import { useTranslation } from 'react-i18next';
import { num, objects, str, type JsonObject } from '../../api/read';
import { EmptyState } from '../feedback';
import { formatDateTime, formatMs, formatNumber } from '../format';
import { Table } from '../table';
import { Badge, stateLabel, stateTone, type Tone } from './ops-parts';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

/** One row per route, one column per vital: p75 with its rating. */
export function WebVitals({ vitals }: { vitals: JsonObject[] }) {
  const { t } = useTranslation('ops');
  if (vitals.length === 0) return <EmptyState>{t('vitals.none')}</EmptyState>;
  const byRoute = new Map<string, Map<string, JsonObject>>();
  for (const v of vitals) {
    const route = str(v.route) ?? 'other';
    const metric = str(v.metric) ?? str(v.name);
    if (!metric) continue;
    if (!byRoute.has(route)) byRoute.set(route, new Map());
    byRoute.get(route)!.set(metric, v);
  }
  return (
    <Table
      label={t('vitals.label')}
      head={[t('col.route'), ...VITALS]}
      rows={[...byRoute].map(([route, metrics]) => [
        <code key="route">{route}</code>,
        ...VITALS.map((name) => {
          const v = metrics.get(name);
          const p75 = v ? num(v.p75) : undefined;
          if (!v || p75 === undefined) return <span className="muted">—</span>;
          const samples = num(v.samples);
          return (
            <span className="vital" title={samples !== undefined ? t('vitals.samples', { count: samples }) : undefined}>
              <Badge tone={stateTone(str(v.rating))}>{name === 'CLS' ? formatNumber(p75, 3) : formatMs(p75)}</Badge>
            </span>
          );
        }),
      ])}
    />
  );
}

export function Alerts({ alerts }: { alerts: JsonObject[] }) {
  const { t } = useTranslation('ops');
  if (alerts.length === 0) return <EmptyState>{t('alerts.none')}</EmptyState>;
  return (
    <Table
      label={t('alerts.label')}
      head={[t('col.alert'), t('col.status'), t('col.severity'), t('col.summary'), t('col.since'), t('col.received')]}
      rows={alerts.map((a) => [
        str(a.alertname) ?? '—',
        <Badge key="s" tone={stateTone(str(a.status))}>
          {stateLabel(str(a.status))}
        </Badge>,
        str(a.severity) ?? '—',
        str(a.summary) ?? '',
        formatDateTime(str(a.startsAt)),
        formatDateTime(str(a.receivedAt)),
      ])}
    />
  );
}

export function Deliveries({ summary }: { summary: JsonObject }) {
  const { t } = useTranslation('ops');
  const channels = objects(summary, 'channels');
  const failures = objects(summary, 'recentFailures');
  const count = (n: number | undefined, tone: Tone) => (n ? <Badge tone={tone}>{n}</Badge> : <span className="muted">0</span>);
  return (
    <>
      {channels.length === 0 ? (
        <EmptyState>{t('deliveries.none')}</EmptyState>
      ) : (
        <Table
          label={t('deliveries.label')}
          head={[t('col.channel'), t('col.kind'), t('col.delivered'), t('col.queued'), t('col.retrying'), t('col.failed')]}
          rows={channels.map((c) => [
            str(c.name) ?? '—',
            str(c.kind) ?? '—',
            count(num(c.delivered), 'success'),
            count(num(c.queued), 'info'),
            count(num(c.retrying), 'warning'),
            count(num(c.failed), 'danger'),
          ])}
        />
      )}
      <h3>{t('deliveries.failures')}</h3>
      {failures.length === 0 ? (
        <EmptyState>{t('deliveries.noFailures')}</EmptyState>
      ) : (
        <Table
          label={t('deliveries.failuresLabel')}
          head={[t('col.channel'), t('col.event'), t('col.attempts'), t('col.state'), t('col.error'), t('col.queued')]}
          rows={failures.map((f) => [
            str(f.channel) ?? '—',
            str(f.event) ?? '—',
            String(num(f.attempts) ?? '—'),
            f.final === true ? (
              <Badge tone="danger">{t('deliveries.failed')}</Badge>
            ) : (
              <Badge tone="warning">{t('deliveries.retrying')}</Badge>
            ),
            str(f.error) ?? '—',
            formatDateTime(str(f.createdAt)),
          ])}
        />
      )}
    </>
  );
}

export function RecentErrors({ lines }: { lines: JsonObject[] }) {
  const { t } = useTranslation('ops');
  if (lines.length === 0) return <EmptyState>{t('errors.none')}</EmptyState>;
  return (
    <ol className="log-lines">
      {lines.map((l, i) => (
        <li key={i} className="log-line">
          <p className="log-head">
            <Badge tone="danger">{str(l.level) ?? 'error'}</Badge> <time dateTime={str(l.time)}>{formatDateTime(str(l.time))}</time>
            {str(l.event) && <code>{str(l.event)}</code>}
          </p>
          <p className="log-message">{str(l.message) || t('errors.noMessage')}</p>
          {str(l.error) && <p className="log-error">{str(l.error)}</p>}
          <p className="log-ids muted">
            {t('errors.trace')} <code>{str(l.traceId) ?? '—'}</code> · {t('errors.request')} <code>{str(l.requestId) ?? '—'}</code>
          </p>
        </li>
      ))}
    </ol>
  );
}
