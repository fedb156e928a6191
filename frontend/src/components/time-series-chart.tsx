/**
 * A small line chart of one series over time (uPlot): used by the Ops page for
 * the last hour of traffic, error rate and p95. Gaps (null) are minutes
 * without requests. The numbers are also given as text to screen readers
 * (latest and peak values), since a canvas says nothing.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useColorScheme } from '../hooks/use-color-scheme';
import { i18next } from '../i18n';
import './time-series-chart.css';
import 'uplot/dist/uPlot.min.css';

export interface TimeSeriesChartProps {
  title: string;
  /** Seconds since the epoch. */
  times: number[];
  values: (number | null)[];
  /** Formats a value for the axis, the legend and the text summary. */
  format: (v: number) => string;
  height?: number;
}

export function summarizeSeries(values: (number | null)[], format: (v: number) => string): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return i18next.t('ops:chart.noData');
  const latest = [...values].reverse().find((v): v is number => v !== null)!;
  return i18next.t('ops:chart.summary', { latest: format(latest), peak: format(Math.max(...present)) });
}

/** Axis labels, ticks and grid in the current scheme's colours (a canvas cannot use the CSS variables itself). */
function axisColors(el: HTMLElement): uPlot.Axis {
  const css = getComputedStyle(el);
  const line = css.getPropertyValue('--border').trim() || '#d5dae1';
  return { stroke: css.getPropertyValue('--muted').trim() || '#5b6470', grid: { stroke: line }, ticks: { stroke: line } };
}

export function TimeSeriesChart({ title, times, values, format, height = 140 }: TimeSeriesChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const scheme = useColorScheme();
  const drawnIn = useRef(scheme);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const width = Math.max(240, el.clientWidth);
    const data: uPlot.AlignedData = [times, values];
    if (chart.current && drawnIn.current === scheme) {
      chart.current.setData(data);
      return;
    }
    // First drawing, or the scheme changed: draw again in its colours.
    chart.current?.destroy();
    drawnIn.current = scheme;
    const axis = axisColors(el);
    chart.current = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(max, min, 0) * 1.1 || 1] } },
        axes: [axis, { ...axis, values: (_u, ticks) => ticks.map((t) => format(t)), size: 72 }],
        // Points too: a minute between two minutes without requests has no line to draw.
        series: [
          {},
          { label: title, stroke: '#e5a00d', width: 2, fill: 'rgba(229, 160, 13, 0.12)', spanGaps: false, points: { show: true, size: 4 } },
        ],
      },
      data,
      el,
    );
  }, [times, values, title, format, height, scheme]);

  useEffect(() => {
    const el = container.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(240, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = undefined;
    };
  }, [height]);

  return (
    <figure className="chart">
      <figcaption>
        {title} <span className="muted">({summarizeSeries(values, format)})</span>
      </figcaption>
      <div ref={container} className="chart-canvas" aria-hidden="true" />
    </figure>
  );
}
