/** The Ops page's building blocks: a panel, a badge in a tone, and the words for states, ratios and durations. */
import type { ReactNode } from 'react';
import { formatDuration, formatPercent, formatUnit } from '../format';
import { i18next } from '../../i18n';
import './ops.css';

export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'muted';

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Panel({ id, title, children, wide = false }: { id: string; title: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? 'panel ops-panel ops-wide' : 'panel ops-panel'} aria-labelledby={`ops-${id}`}>
      <h2 id={`ops-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

export function percent(ratio: number | undefined): string {
  return ratio === undefined ? '—' : formatPercent(ratio * 100, ratio > 0 && ratio < 0.001 ? 3 : 2);
}

export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  return seconds < 60 ? formatUnit(Math.floor(seconds), 'second') : formatDuration(seconds);
}

/** A state the server reports (up, closed, firing…), in words when the web app knows it, else as sent. */
export function stateLabel(state: string | undefined): string {
  if (state === undefined) return '—';
  return i18next.exists(`ops:state.${state}`) ? i18next.t(`ops:state.${state}`) : state;
}

export function stateTone(state: string | undefined): Tone {
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
