/**
 * What browser metrics become once a post is validated (the bounds are the
 * route's, browser-metrics.routes.ts): Web Vitals observed into histograms
 * labelled by SPA route template and a rating recomputed from web-vitals'
 * thresholds, custom metrics into the navigation and API request histograms,
 * and recent Web Vitals samples for the Ops page's p75.
 */
import type { z } from 'zod';
import { spaRouteLabel } from '../../observability/metrics/frontend-routes';
import {
  frontendApiRequestDuration,
  frontendNavigationDuration,
  webVitalsCls,
  webVitalsFcp,
  webVitalsInp,
  webVitalsLcp,
  webVitalsTtfb,
} from '../../observability/metrics/catalog';
import { apiEndpointLabel } from '../../observability/metrics/route-templates';
import type { customMetricEntry, webVitalEntry, WebVitalName, WebVitalP75, WebVitalRating } from '@medianest/contracts';

export type Rating = WebVitalRating;

/** web-vitals' thresholds: [good up to, poor above], ms (CLS unitless). */
export const RATING_THRESHOLDS: Record<WebVitalName, readonly [number, number]> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
};

export function rate(name: WebVitalName, value: number): Rating {
  const [good, poor] = RATING_THRESHOLDS[name];
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor';
}

const HISTOGRAMS = { LCP: webVitalsLcp, INP: webVitalsInp, CLS: webVitalsCls, FCP: webVitalsFcp, TTFB: webVitalsTtfb } as const;

type VitalEntry = z.infer<typeof webVitalEntry>;
type CustomEntry = z.infer<typeof customMetricEntry>;

function statusClass(code: string | number): string {
  const n = Number(code);
  return code === 'network' || n === 0 ? 'network' : `${Math.floor(n / 100)}xx`;
}

// Recent samples per (vital, route) for the Ops page's p75: bounded by names × routes × SAMPLES_KEPT.
const SAMPLES_KEPT = 200;
const SAMPLE_MAX_AGE_MS = 3_600_000;
const samples = new Map<string, { values: number[]; at: number[] }>();

function keepSample(name: WebVitalName, routeLabel: string, value: number): void {
  const key = `${name} ${routeLabel}`;
  let s = samples.get(key);
  if (!s) samples.set(key, (s = { values: [], at: [] }));
  s.values.push(value);
  s.at.push(Date.now());
  if (s.values.length > SAMPLES_KEPT) {
    s.values.shift();
    s.at.shift();
  }
}

/** p75 per route and vital over the last hour (the value web-vitals' own assessment uses). */
export function webVitalsP75(now = Date.now()): WebVitalP75[] {
  const out: WebVitalP75[] = [];
  for (const [key, s] of samples) {
    const [metric, routeLabel] = key.split(' ') as [WebVitalName, string];
    const recent = s.values.filter((_, i) => now - s.at[i]! <= SAMPLE_MAX_AGE_MS).sort((a, b) => a - b);
    if (recent.length === 0) continue;
    const p75 = recent[Math.min(recent.length - 1, Math.ceil(0.75 * recent.length) - 1)]!;
    out.push({ route: routeLabel, metric, p75, rating: rate(metric, p75), samples: recent.length });
  }
  return out.sort((a, b) => a.route.localeCompare(b.route) || a.metric.localeCompare(b.metric));
}

/** Observes a validated post of Web Vitals: histograms by SPA route template and recomputed rating, and the Ops page's samples. */
export function recordWebVitals(metrics: VitalEntry[]): void {
  metrics.forEach(observeVital);
}

/** Observes a validated post of custom metrics (navigation and API request durations). */
export function recordCustomMetrics(metrics: CustomEntry[]): void {
  metrics.forEach(observeCustom);
}

function observeVital(m: VitalEntry): void {
  const routeLabel = spaRouteLabel(m.route);
  const rating = rate(m.name, m.value);
  const value = m.name === 'CLS' ? m.value : m.value / 1000;
  HISTOGRAMS[m.name].observe({ route: routeLabel, rating }, value);
  keepSample(m.name, routeLabel, m.value);
}

function observeCustom(m: CustomEntry): void {
  if (m.name === 'navigation_duration') {
    const to = 'to_route' in m.labels ? m.labels.to_route : m.labels.route;
    frontendNavigationDuration.observe({ route: spaRouteLabel(to) }, m.value / 1000);
  } else {
    frontendApiRequestDuration.observe(
      { endpoint: apiEndpointLabel(m.labels.endpoint), method: m.labels.method, status_class: statusClass(m.labels.status_code) },
      m.value / 1000,
    );
  }
}
