/**
 * Renders JSON of unknown shape readably: objects as definition lists, lists
 * of objects as tables, timestamps and durations formatted by their key names.
 * The Ops page uses it for whatever the observability summary contains.
 */
import { humanize, isObject } from '../api/read';
import { i18next } from '../i18n';
import { formatDateTime, formatMs, formatNumber, formatPercent, formatUnit } from './format';
import { Table } from './table';
import './data-view.css';

const MAX_ROWS = 50;
const MAX_DEPTH = 4;

function isTimestampKey(key: string): boolean {
  return /(At|Time|timestamp|time)$/.test(key);
}

export function formatValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? i18next.t('ops:yes') : i18next.t('ops:no');
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '—';
    if (/ms$/i.test(key) || /Ms[A-Z0-9]/.test(key)) return formatMs(value);
    if (/seconds?$/i.test(key)) return value < 1 ? formatMs(value * 1000) : formatUnit(value, 'second', 2);
    if (/(ratio|Ratio)$/.test(key)) return formatPercent(value * 100, 2);
    if (/(percent|Percent|Pct)$/.test(key)) return formatPercent(value, 2);
    if (isTimestampKey(key) && value > 1e9) return formatDateTime(new Date(value < 1e12 ? value * 1000 : value).toISOString());
    return formatNumber(value, Number.isInteger(value) ? 0 : value < 1 ? 4 : 2);
  }
  if (typeof value === 'string') {
    if (isTimestampKey(key) && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTime(value);
    return value;
  }
  return JSON.stringify(value);
}

function Cell({ name, value }: { name: string; value: unknown }) {
  if (/trace_?id$/i.test(name) && typeof value === 'string') return <code>{value}</code>;
  if (Array.isArray(value) || isObject(value)) return <code className="json">{JSON.stringify(value)}</code>;
  return <>{formatValue(name, value)}</>;
}

/** A list of objects as a table: one column per key, the first MAX_ROWS rows. */
function ObjectTable({ rows, caption }: { rows: Record<string, unknown>[]; caption: string }) {
  const shown = rows.slice(0, MAX_ROWS);
  const columns: string[] = [];
  for (const row of shown) {
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  return (
    <>
      <Table
        label={caption}
        head={columns.map(humanize)}
        rows={shown.map((row) => columns.map((c) => <Cell key={c} name={c} value={row[c]} />))}
        rowHeaders={false}
      />
      {rows.length > MAX_ROWS && <p className="muted">{i18next.t('ops:moreNotShown', { count: rows.length - MAX_ROWS })}</p>}
    </>
  );
}

export function DataView({ value, name = '', depth = 0 }: { value: unknown; name?: string; depth?: number }) {
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">{i18next.t('ops:none')}</span>;
    if (value.every(isObject)) return <ObjectTable rows={value} caption={humanize(name || 'items')} />;
    return <span>{value.map((v) => formatValue(name, v)).join(', ')}</span>;
  }
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return <span className="muted">{i18next.t('ops:none')}</span>;
    // A map of uniform objects (e.g. per-route or per-dependency) reads best as a table.
    if (entries.length > 1 && entries.every(([, v]) => isObject(v) && Object.values(v).every((x) => !isObject(x) && !Array.isArray(x)))) {
      return (
        <ObjectTable rows={entries.map(([k, v]) => ({ name: k, ...(v as Record<string, unknown>) }))} caption={humanize(name || 'items')} />
      );
    }
    if (depth >= MAX_DEPTH) return <code className="json">{JSON.stringify(value)}</code>;
    return (
      <dl className="facts">
        {entries.map(([k, v]) => (
          <div key={k} className="fact">
            <dt>{humanize(k)}</dt>
            <dd>
              <DataView value={v} name={k} depth={depth + 1} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <Cell name={name} value={value} />;
}
