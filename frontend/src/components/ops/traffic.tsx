/** Traffic on the Ops page: requests, error rate and p95 per window, the last hour as charts, and one row per instance. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { humanize, isObject, num, objects, str, type JsonObject } from '../../api/read';
import { DataView } from '../data-view';
import { formatDateTime, formatMs, formatNumber, formatPercent } from '../format';
import { Table } from '../table';
import { TimeSeriesChart } from '../time-series-chart';
import { Badge, percent, stateLabel, stateTone } from './ops-parts';

export function Traffic({ http }: { http: JsonObject }) {
  const { t } = useTranslation('ops');
  const windows = Object.entries(http).filter((entry): entry is [string, JsonObject] => isObject(entry[1]));
  if (windows.length === 0) return <DataView value={http} />;
  return (
    <Table
      label={t('traffic.label')}
      head={[t('col.window'), t('col.requests'), t('col.perSecond'), t('col.errorRate'), 'p95']}
      rows={windows.map(([key, w]) => {
        const minutes = num(w.windowMinutes);
        return [
          minutes !== undefined ? t('traffic.lastMinutes', { count: minutes }) : humanize(key),
          formatNumber(num(w.requests)),
          formatNumber(num(w.requestsPerSecond), 2),
          percent(num(w.errorRate)),
          formatMs(num(w.p95Ms)),
        ];
      })}
    />
  );
}

const perSecond = (v: number) => formatNumber(v, v < 10 ? 2 : 0);
const asPercent = (v: number) => formatPercent(v * 100, v < 0.01 ? 2 : 1);
const asMs = (v: number) => formatMs(v);

/** The last hour, one point per minute: request rate, 5xx share and p95, next to the tables. */
export function TrafficCharts({ series }: { series: JsonObject[] }) {
  const { t } = useTranslation('ops');
  const columns = useMemo(() => {
    const times: number[] = [];
    const rate: (number | null)[] = [];
    const errors: (number | null)[] = [];
    const p95: (number | null)[] = [];
    for (const p of series) {
      const at = num(p.t);
      if (at === undefined) continue;
      times.push(at);
      rate.push(num(p.requestsPerSecond) ?? null);
      errors.push(num(p.errorRate) ?? null);
      p95.push(num(p.p95Ms) ?? null);
    }
    return { times, rate, errors, p95 };
  }, [series]);
  if (columns.times.length === 0) return null;
  return (
    <div className="ops-charts">
      <TimeSeriesChart title={t('traffic.rps')} times={columns.times} values={columns.rate} format={perSecond} />
      <TimeSeriesChart title={t('col.errorRate')} times={columns.times} values={columns.errors} format={asPercent} />
      <TimeSeriesChart title={t('traffic.p95')} times={columns.times} values={columns.p95} format={asMs} />
    </div>
  );
}

/** One row per process: its role, whether it still reports, its own traffic and its breakers. */
export function Instances({ instances, self }: { instances: JsonObject[]; self: string | undefined }) {
  const { t } = useTranslation('ops');
  return (
    <Table
      label={t('panels.instances')}
      head={[
        t('col.instance'),
        t('col.role'),
        t('col.state'),
        t('col.perSecond5'),
        t('col.errorRate5'),
        t('col.p95_5'),
        t('panels.breakers'),
      ]}
      rows={instances.map((i) => {
        const name = str(i.instance) ?? '—';
        const http = isObject(i.http) && isObject(i.http.last5m) ? i.http.last5m : {};
        const breakers = objects(i, 'breakers');
        const notClosed = breakers.filter((b) => str(b.state) !== 'closed');
        return [
          <>
            {name}
            {name === self && <span className="muted"> {t('instances.thisPage')}</span>}
          </>,
          str(i.role) ?? '—',
          i.live === true ? (
            <Badge tone="success">{t('instances.live')}</Badge>
          ) : (
            <Badge tone="muted">{t('instances.goneSince', { when: formatDateTime(str(i.lastSeen) ?? null) })}</Badge>
          ),
          formatNumber(num(http.requestsPerSecond), 2),
          percent(num(http.errorRate)),
          formatMs(num(http.p95Ms)),
          breakers.length === 0 ? (
            <span className="muted">{t('instances.noneUsed')}</span>
          ) : notClosed.length === 0 ? (
            <Badge tone="success">{t('instances.allClosed')}</Badge>
          ) : (
            notClosed.map((b) => (
              <Badge key={str(b.service)} tone={stateTone(str(b.state))}>
                {str(b.service)}: {stateLabel(str(b.state))}
              </Badge>
            ))
          ),
        ];
      })}
    />
  );
}
