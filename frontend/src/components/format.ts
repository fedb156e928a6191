/**
 * Dates, times, numbers, sizes and durations as the member reads them: `Intl` in the web app's
 * current language (the member's choice or the browser's) and the browser's time zone. Formatters
 * are made once per language and option set, so a long table does not build thousands of them.
 */
import { currentLanguage } from '../i18n';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat | Intl.ListFormat>();

function memo<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat | Intl.ListFormat>(
  kind: string,
  options: object,
  make: (locale: string) => T,
): T {
  const locale = currentLanguage();
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) {
    formatter = make(locale);
    cache.set(key, formatter);
  }
  return formatter;
}

const dateFormat = (options: Intl.DateTimeFormatOptions) => memo('date', options, (l) => new Intl.DateTimeFormat(l, options));
const numberFormat = (options: Intl.NumberFormatOptions) => memo('number', options, (l) => new Intl.NumberFormat(l, options));
const relativeFormat = () => memo('relative', {}, (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto' }));
const unitList = () => memo('list', {}, (l) => new Intl.ListFormat(l, { type: 'unit', style: 'narrow' }));

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(d) : iso || '—';
}

/** The day alone: "3 Dec 2026", "3. Dez. 2026". */
export function formatDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateFormat({ dateStyle: 'medium' }).format(d) : iso || '—';
}

/** Day and month without the year: "3 Dec", "3. Dez." */
export function formatDayMonth(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateFormat({ day: 'numeric', month: 'short' }).format(d) : iso || '—';
}

/** "3 minutes ago"-style text for the last week, the date for older times. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return iso || '—';
  const seconds = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const relative = relativeFormat();
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return formatDate(iso);
}

/** A plain number with the language's separators, at most `digits` decimals. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat({ maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

/** A percentage from 0–100: "42 %", "42 %", "42 %" with the language's own spacing. */
export function formatPercent(percent: number | null | undefined, digits = 0): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—';
  return numberFormat({ style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(percent / 100);
}

type Unit = 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'kilobit-per-second' | 'megabit-per-second';

/** A value in one unit, abbreviated the language's way ("3 hr", "3 Std.", "3 h"). */
export function formatUnit(value: number, unit: Unit, digits = 0, display: 'short' | 'long' = 'short'): string {
  return numberFormat({ style: 'unit', unit, unitDisplay: display, maximumFractionDigits: digits }).format(value);
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return formatUnit(ms / 1000, 'second', ms >= 10_000 ? 0 : 1);
  return formatUnit(Math.round(ms), 'millisecond');
}

/** A size in bytes in the largest sensible unit (binary steps, the units the language uses). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return numberFormat({ style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(value);
}

/** A span of time in the largest sensible units: "45 min", "3 hr, 20 min", "2 days, 4 hr", "3 weeks". */
export function formatDuration(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  const parts: string[] = [];
  if (minutes < 60) parts.push(formatUnit(minutes, 'minute'));
  else if (minutes < 10 * 60) {
    parts.push(formatUnit(Math.floor(minutes / 60), 'hour'));
    if (minutes % 60) parts.push(formatUnit(minutes % 60, 'minute'));
  } else if (Math.round(minutes / 60) < 48) parts.push(formatUnit(Math.round(minutes / 60), 'hour'));
  else {
    const hours = Math.round(minutes / 60);
    const days = Math.floor(hours / 24);
    if (days < 14) {
      parts.push(formatUnit(days, 'day', 0, 'long'));
      if (hours % 24) parts.push(formatUnit(hours % 24, 'hour'));
    } else parts.push(formatUnit(Math.round(days / 7), 'week', 0, 'long'));
  }
  return unitList().format(parts);
}
