/** Signals on the Ops page: Web Vitals p75 per route, alerts received, notification deliveries and the latest errors. */
import { num, objects, str, type JsonObject } from '../../api/read';
import { EmptyState } from '../feedback';
import { formatDateTime, formatMs } from '../format';
import { Table } from '../table';
import { Badge, stateTone, type Tone } from './ops-parts';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

/** One row per route, one column per vital: p75 with its rating. */
export function WebVitals({ vitals }: { vitals: JsonObject[] }) {
  if (vitals.length === 0) return <EmptyState>No Web Vitals received in the last hour.</EmptyState>;
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
      label="Web Vitals p75 per route"
      head={['Route', ...VITALS]}
      rows={[...byRoute].map(([route, metrics]) => [
        <code key="route">{route}</code>,
        ...VITALS.map((name) => {
          const v = metrics.get(name);
          const p75 = v ? num(v.p75) : undefined;
          if (!v || p75 === undefined) return <span className="muted">—</span>;
          const samples = num(v.samples);
          return (
            <span className="vital" title={samples !== undefined ? `${samples} samples` : undefined}>
              <Badge tone={stateTone(str(v.rating))}>{name === 'CLS' ? p75.toFixed(3) : formatMs(p75)}</Badge>
            </span>
          );
        }),
      ])}
    />
  );
}

export function Alerts({ alerts }: { alerts: JsonObject[] }) {
  if (alerts.length === 0) return <EmptyState>No alerts received from Alertmanager.</EmptyState>;
  return (
    <Table
      label="Alerts received"
      head={['Alert', 'Status', 'Severity', 'Summary', 'Since', 'Received']}
      rows={alerts.map((a) => [
        str(a.alertname) ?? '—',
        <Badge key="s" tone={stateTone(str(a.status))}>
          {str(a.status) ?? '—'}
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
  const channels = objects(summary, 'channels');
  const failures = objects(summary, 'recentFailures');
  const count = (n: number | undefined, tone: Tone) => (n ? <Badge tone={tone}>{n}</Badge> : <span className="muted">0</span>);
  return (
    <>
      {channels.length === 0 ? (
        <EmptyState>No notifications in the last 24 hours.</EmptyState>
      ) : (
        <Table
          label="Notification deliveries per channel, last 24 hours"
          head={['Channel', 'Kind', 'Delivered', 'Queued', 'Retrying', 'Failed']}
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
      <h3>Latest failures</h3>
      {failures.length === 0 ? (
        <EmptyState>No failed deliveries.</EmptyState>
      ) : (
        <Table
          label="Latest failed notification deliveries"
          head={['Channel', 'Event', 'Attempts', 'State', 'Error', 'Queued']}
          rows={failures.map((f) => [
            str(f.channel) ?? '—',
            str(f.event) ?? '—',
            String(num(f.attempts) ?? '—'),
            f.final === true ? <Badge tone="danger">failed</Badge> : <Badge tone="warning">retrying</Badge>,
            str(f.error) ?? '—',
            formatDateTime(str(f.createdAt)),
          ])}
        />
      )}
    </>
  );
}

export function RecentErrors({ lines }: { lines: JsonObject[] }) {
  if (lines.length === 0) return <EmptyState>No errors logged recently.</EmptyState>;
  return (
    <ol className="log-lines">
      {lines.map((l, i) => (
        <li key={i} className="log-line">
          <p className="log-head">
            <Badge tone="danger">{str(l.level) ?? 'error'}</Badge> <time dateTime={str(l.time)}>{formatDateTime(str(l.time))}</time>
            {str(l.event) && <code>{str(l.event)}</code>}
          </p>
          <p className="log-message">{str(l.message) || '(no message)'}</p>
          {str(l.error) && <p className="log-error">{str(l.error)}</p>}
          <p className="log-ids muted">
            trace <code>{str(l.traceId) ?? '—'}</code> · request <code>{str(l.requestId) ?? '—'}</code>
          </p>
        </li>
      ))}
    </ol>
  );
}
