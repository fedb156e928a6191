/** Traffic on the Ops page: requests, error rate and p95 per window, the last hour as charts, and one row per instance. */
import { useMemo } from 'react';
import { humanize, isObject, num, objects, str, type JsonObject } from '../../api/read';
import { DataView } from '../data-view';
import { formatDateTime, formatMs } from '../format';
import { Table } from '../table';
import { TimeSeriesChart } from '../time-series-chart';
import { Badge, percent, stateTone } from './ops-parts';

export function Traffic({ http }: { http: JsonObject }) {
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
export function TrafficCharts({ series }: { series: JsonObject[] }) {
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
export function Instances({ instances, self }: { instances: JsonObject[]; self: string | undefined }) {
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
