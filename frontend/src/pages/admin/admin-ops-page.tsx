/**
 * /admin/ops: the operator's summary from GET /api/v1/admin/observability —
 * request rate, error rate and p95 over 5 and 60 minutes and as charts of the
 * last hour, for the whole cluster with a per-instance breakdown when there
 * are several processes, dependency health
 * and circuit breakers, job queues, Web Vitals p75 per route, alerts received
 * the latest errors with trace ids, notification deliveries per channel
 * with the latest failures, the newest database backup's size and age, and
 * the version of the Overseerr server it talks to. Known sections get their own view;
 * any other field the server sends is still shown, generically. Refreshed
 * every 15 s.
 */
import { useEffect, useMemo, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { field, humanize, isObject, num, objects, str, type JsonObject } from '../../api/read';
import { ServiceBadge } from '../../components/badges';
import { DataView } from '../../components/data-view';
import { EmptyState, ErrorMessage, SkeletonRows } from '../../components/feedback';
import { formatDateTime, formatMs } from '../../components/format';
import { Page } from '../../components/page';
import { Table } from '../../components/table';
import { TimeSeriesChart } from '../../components/time-series-chart';
import { useApiData } from '../../hooks/use-api-data';
import { OpsPlaybackRow } from './ops-playback-row';

export const OPS_REFRESH_MS = 15_000;

/** Top-level fields with a dedicated view (or shown in the header line). */
const KNOWN = new Set([
  'generatedAt',
  'version',
  'uptimeSeconds',
  'scope',
  'instance',
  'instances',
  'http',
  'dependencies',
  'breakers',
  'jobs',
  'webVitals',
  'alerts',
  'recentErrors',
  'notifications',
  'backups',
  'overseerr',
]);

type Tone = 'success' | 'warning' | 'danger' | 'info' | 'muted';

function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

function Panel({ id, title, children, wide = false }: { id: string; title: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? 'panel ops-panel ops-wide' : 'panel ops-panel'} aria-labelledby={`ops-${id}`}>
      <h2 id={`ops-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

function percent(ratio: number | undefined): string {
  return ratio === undefined ? '—' : `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 3 : 2)} %`;
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${Math.floor(seconds % 60)} s`;
}

function Traffic({ http }: { http: JsonObject }) {
  const windows = Object.entries(http).filter((entry): entry is [string, JsonObject] => isObject(entry[1]));
  if (windows.length === 0) return <DataView value={http} />;
  return (
    <Table
      label="Traffic by window"
      head={['Window', 'Requests', 'Per second', 'Error rate (5xx)', 'p95']}
      rows={windows.map(([key, w]) => {
        const minutes = num(w.windowMinutes);
        return [
          minutes !== undefined ? `Last ${minutes} min` : humanize(key),
          num(w.requests) ?? '—',
          num(w.requestsPerSecond)?.toFixed(2) ?? '—',
          percent(num(w.errorRate)),
          formatMs(num(w.p95Ms)),
        ];
      })}
    />
  );
}

const perSecond = (v: number) => v.toFixed(v < 10 ? 2 : 0);
const asPercent = (v: number) => `${(v * 100).toFixed(v < 0.01 ? 2 : 1)} %`;
const asMs = (v: number) => `${Math.round(v)} ms`;

/** The last hour, one point per minute: request rate, 5xx share and p95, next to the tables. */
function TrafficCharts({ series }: { series: JsonObject[] }) {
  const columns = useMemo(() => {
    const times: number[] = [];
    const rate: (number | null)[] = [];
    const errors: (number | null)[] = [];
    const p95: (number | null)[] = [];
    for (const p of series) {
      const t = num(p.t);
      if (t === undefined) continue;
      times.push(t);
      rate.push(num(p.requestsPerSecond) ?? null);
      errors.push(num(p.errorRate) ?? null);
      p95.push(num(p.p95Ms) ?? null);
    }
    return { times, rate, errors, p95 };
  }, [series]);
  if (columns.times.length === 0) return null;
  return (
    <div className="ops-charts">
      <TimeSeriesChart title="Requests per second" times={columns.times} values={columns.rate} format={perSecond} />
      <TimeSeriesChart title="Error rate (5xx)" times={columns.times} values={columns.errors} format={asPercent} />
      <TimeSeriesChart title="p95 latency" times={columns.times} values={columns.p95} format={asMs} />
    </div>
  );
}

/** One row per process: its role, whether it still reports, its own traffic and its breakers. */
function Instances({ instances, self }: { instances: JsonObject[]; self: string | undefined }) {
  return (
    <Table
      label="Instances"
      head={['Instance', 'Role', 'State', 'Per second (5 min)', 'Error rate (5 min)', 'p95 (5 min)', 'Circuit breakers']}
      rows={instances.map((i) => {
        const name = str(i.instance) ?? '—';
        const http = isObject(i.http) && isObject(i.http.last5m) ? i.http.last5m : {};
        const breakers = objects(i, 'breakers');
        const notClosed = breakers.filter((b) => str(b.state) !== 'closed');
        return [
          <>
            {name}
            {name === self && <span className="muted"> (this page)</span>}
          </>,
          str(i.role) ?? '—',
          i.live === true ? (
            <Badge tone="success">live</Badge>
          ) : (
            <Badge tone="muted">gone since {formatDateTime(str(i.lastSeen) ?? null)}</Badge>
          ),
          num(http.requestsPerSecond)?.toFixed(2) ?? '—',
          percent(num(http.errorRate)),
          formatMs(num(http.p95Ms)),
          breakers.length === 0 ? (
            <span className="muted">none used</span>
          ) : notClosed.length === 0 ? (
            <Badge tone="success">all closed</Badge>
          ) : (
            notClosed.map((b) => (
              <Badge key={str(b.service)} tone={stateTone(str(b.state))}>
                {str(b.service)}: {str(b.state)}
              </Badge>
            ))
          ),
        ];
      })}
    />
  );
}

function stateTone(state: string | undefined): Tone {
  switch (state) {
    case 'up':
    case 'ok':
    case 'closed':
    case 'resolved':
      return 'success';
    case 'degraded':
    case 'half-open':
    case 'warning':
      return 'warning';
    case 'down':
    case 'unavailable':
    case 'draining':
    case 'open':
    case 'firing':
    case 'critical':
    case 'poor':
      return 'danger';
    case 'good':
      return 'success';
    case 'needs-improvement':
      return 'warning';
    default:
      return 'muted';
  }
}

function Dependencies({ report }: { report: JsonObject }) {
  const checks = isObject(report.checks) ? Object.entries(report.checks).filter((e): e is [string, JsonObject] => isObject(e[1])) : [];
  return (
    <>
      {str(report.status) && (
        <p>
          Overall: <Badge tone={stateTone(str(report.status))}>{str(report.status)}</Badge>
        </p>
      )}
      {checks.length === 0 ? (
        <EmptyState>No dependency checks.</EmptyState>
      ) : (
        <Table
          label="Dependency checks"
          head={['Dependency', 'State', 'Latency', 'Critical', 'Error']}
          rows={checks.map(([name, c]) => {
            const state = str(c.status);
            return [
              name,
              state === 'up' || state === 'down' || state === 'degraded' ? (
                <ServiceBadge status={state} />
              ) : (
                <Badge tone="muted">{state ?? '—'}</Badge>
              ),
              formatMs(num(c.latencyMs)),
              c.critical === true ? 'yes' : 'no',
              str(c.error) ?? '',
            ];
          })}
        />
      )}
    </>
  );
}

function Breakers({ breakers }: { breakers: JsonObject[] }) {
  if (breakers.length === 0) return <EmptyState>No circuit breakers have been used yet.</EmptyState>;
  return (
    <ul className="rows">
      {breakers.map((b, i) => (
        <li key={str(b.service) ?? i} className="row row-compact">
          <span className="row-main">{str(field(b, 'service', 'name')) ?? '—'}</span>
          <Badge tone={stateTone(str(b.state))}>{str(b.state) ?? 'unknown'}</Badge>
        </li>
      ))}
    </ul>
  );
}

function Jobs({ jobs }: { jobs: JsonObject }) {
  const queues = objects(jobs, 'queues');
  return (
    <>
      <p className="muted">
        Queue backend: {str(jobs.backend) ?? 'unknown'}
        {jobs.processing === false ? ' (jobs run in a separate worker process)' : ''}.
      </p>
      {queues.length === 0 ? (
        <EmptyState>No job queues.</EmptyState>
      ) : (
        <Table
          label="Job queues"
          head={['Queue', 'Waiting', 'Active', 'Delayed', 'Every', 'Completed', 'Failed']}
          rows={queues.map((q) => {
            const counts = isObject(q.counts) ? q.counts : {};
            const failed = num(counts.failed) ?? 0;
            return [
              str(q.queue) ?? '—',
              num(q.waiting) ?? '—',
              num(q.active) ?? '—',
              num(q.delayed) ?? '—',
              num(q.everyMs) !== undefined ? formatMs(num(q.everyMs)) : '—',
              num(counts.completed) ?? 0,
              failed > 0 ? <Badge tone="danger">{failed}</Badge> : failed,
            ];
          })}
        />
      )}
    </>
  );
}

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

/** One row per route, one column per vital: p75 with its rating. */
function WebVitals({ vitals }: { vitals: JsonObject[] }) {
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

function Alerts({ alerts }: { alerts: JsonObject[] }) {
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

function Deliveries({ summary }: { summary: JsonObject }) {
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

/** Backups older than this are late (the BackupTooOld alert's threshold). */
const BACKUP_LATE_SECONDS = 26 * 3600;

function bytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The newest backup's size and age, and the schedule (or that PostgreSQL is backed up outside MediaNest). */
function Backups({ backups }: { backups: JsonObject }) {
  const mode = str(backups.mode);
  if (mode === 'external') {
    return <p className="muted">PostgreSQL: back it up with pg_dump (see docs/backups.md); MediaNest takes no backups of it.</p>;
  }
  const latest = isObject(backups.latest) ? backups.latest : undefined;
  const age = num(latest?.ageSeconds);
  const late = mode === 'automatic' && (age === undefined || age > BACKUP_LATE_SECONDS);
  return (
    <>
      <p className="muted">
        {mode === 'automatic'
          ? `Every ${num(backups.intervalHours) ?? '?'} h into DATA_DIR/backups, the newest ${num(backups.keep) ?? '?'} kept (${num(backups.count) ?? 0} there now).`
          : 'Automatic backups are off (BACKUP_INTERVAL_HOURS=0); npm run admin -- backup takes one.'}
      </p>
      {latest ? (
        <Table
          label="Newest backup"
          head={['File', 'Size', 'Taken', 'Age']}
          rows={[
            [
              str(latest.file) ?? '—',
              bytes(num(latest.sizeBytes)),
              formatDateTime(str(latest.takenAt)),
              late ? <Badge tone="danger">{duration(age)}</Badge> : duration(age),
            ],
          ]}
        />
      ) : (
        <EmptyState>{late ? <Badge tone="danger">No backup yet</Badge> : 'No backup yet.'}</EmptyState>
      )}
    </>
  );
}

function RecentErrors({ lines }: { lines: JsonObject[] }) {
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

export function AdminOpsPage() {
  const summary = useApiData(async (signal) => api.get('/api/v1/admin/observability', undefined, signal), []);
  const { refresh } = summary;
  useEffect(() => {
    const timer = setInterval(refresh, OPS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const data = isObject(summary.data) ? summary.data : undefined;
  const instances = data ? objects(data, 'instances') : [];
  const cluster = str(data?.scope) === 'cluster';
  const others = data ? Object.entries(data).filter(([key]) => !KNOWN.has(key)) : [];

  return (
    <Page
      title="Operations"
      ready={!summary.loading}
      back={<Link to="/admin">← Administration</Link>}
      actions={
        <button type="button" className="button button-small" onClick={refresh}>
          Refresh
        </button>
      }
    >
      {summary.loading ? (
        <SkeletonRows count={6} label="Loading the operations summary" />
      ) : !data ? (
        <ErrorMessage message={summary.error ?? 'The server sent no summary'} onRetry={summary.reload} />
      ) : (
        <>
          {summary.error && <ErrorMessage message={`Could not refresh: ${summary.error}`} />}
          <p className="muted">
            {str(data.version) && <>Version {str(data.version)} · </>}
            {isObject(data.overseerr) && str(data.overseerr.version) && (
              <span title={`Read from Overseerr's /api/v1/status ${formatDateTime(str(data.overseerr.checkedAt) ?? null)}`}>
                Overseerr {str(data.overseerr.version)} ·{' '}
              </span>
            )}
            {num(data.uptimeSeconds) !== undefined && <>up {duration(num(data.uptimeSeconds))} · </>}
            as of {formatDateTime(str(data.generatedAt) ?? null)}; refreshes every 15 seconds.
            {cluster
              ? ` Traffic, breakers and job runs of all ${instances.length} instances sharing this Redis, summed; served by ${str(data.instance) ?? 'this instance'}.`
              : str(data.scope) === 'process'
                ? ' Figures of this process only.'
                : ''}
          </p>
          <div className="ops-grid">
            {isObject(data.http) && (
              <Panel id="http" title={cluster ? 'Traffic (all instances)' : 'Traffic'} wide>
                <Traffic http={data.http} />
                {Array.isArray(data.http.series) && <TrafficCharts series={objects(data.http.series)} />}
              </Panel>
            )}
            {instances.length > 1 && (
              <Panel id="instances" title="Instances" wide>
                <Instances instances={instances} self={str(data.instance)} />
              </Panel>
            )}
            {isObject(data.dependencies) && (
              <Panel id="dependencies" title="Dependencies">
                <Dependencies report={data.dependencies} />
              </Panel>
            )}
            {Array.isArray(data.breakers) && (
              <Panel id="breakers" title={instances.length > 1 ? 'Circuit breakers (this instance)' : 'Circuit breakers'}>
                <Breakers breakers={objects(data.breakers)} />
              </Panel>
            )}
            <OpsPlaybackRow />
            {isObject(data.jobs) && (
              <Panel id="jobs" title="Background jobs" wide>
                <Jobs jobs={data.jobs} />
              </Panel>
            )}
            {Array.isArray(data.webVitals) && (
              <Panel id="web-vitals" title="Web Vitals (p75, last hour)" wide>
                <WebVitals vitals={objects(data.webVitals)} />
              </Panel>
            )}
            {Array.isArray(data.alerts) && (
              <Panel id="alerts" title="Alerts" wide>
                <Alerts alerts={objects(data.alerts)} />
              </Panel>
            )}
            {isObject(data.notifications) && (
              <Panel id="notifications" title="Notification deliveries" wide>
                <Deliveries summary={data.notifications} />
              </Panel>
            )}
            {isObject(data.backups) && (
              <Panel id="backups" title="Backups">
                <Backups backups={data.backups} />
              </Panel>
            )}
            {Array.isArray(data.recentErrors) && (
              <Panel id="recent-errors" title="Latest errors" wide>
                <RecentErrors lines={objects(data.recentErrors)} />
              </Panel>
            )}
            {others.map(([key, value]) => (
              <Panel key={key} id={key} title={humanize(key)}>
                <DataView value={value} name={key} />
              </Panel>
            ))}
          </div>
        </>
      )}
    </Page>
  );
}
