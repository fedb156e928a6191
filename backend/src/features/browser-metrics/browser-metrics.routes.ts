/**
 * Browser metrics ingestion, bounded because anyone can post to it (an
 * unchecked name or label would let one script create millions of series):
 * POST /api/v1/metrics/web-vitals and POST /api/v1/metrics/custom.
 *
 * - Names are allow-listed: LCP, INP, CLS, FCP, TTFB (web-vitals ≥ 5, no FID);
 *   `navigation_duration` and `api_request_duration` for custom metrics.
 * - Units: the browser sends times in milliseconds (0–60 000) and CLS unitless
 *   (0–10); histograms store seconds. NaN, negatives and huge values are 400s.
 * - Labels are templates only: SPA routes from frontend-routes.ts, API
 *   endpoints this server has routed (route-templates.ts), anything else
 *   `other`; ratings are recomputed from the official web-vitals thresholds;
 *   never a user agent or user.
 * - At most 50 entries and 16 kB per post (413), rate-limited per IP by the
 *   one rate limiter. A post is validated whole before anything is observed:
 *   a bad post adds no series.
 * - sendBeacon posts arrive as application/json or text/plain; both parse.
 */
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { jsonBody } from '../../http/json-body';
import { rateLimitByIp, type RateLimiter } from '../../http/rate-limit';
import { parse } from '../../http/validate';
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
import {
  BROWSER_METRICS_BODY_LIMIT_BYTES,
  BROWSER_METRICS_MAX_ENTRIES,
  customMetricEntry,
  customMetricsBody,
  webVitalEntry,
  webVitalsBody,
  type WebVitalName,
  type WebVitalP75,
  type WebVitalRating,
} from '@medianest/contracts';

export type { WebVitalName };
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

/** A plain JSON object (not an array, not null). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkEntryCount(body: unknown): void {
  if (isObject(body) && Array.isArray(body.metrics) && body.metrics.length > BROWSER_METRICS_MAX_ENTRIES) {
    throw new AppError(413, 'PAYLOAD_TOO_LARGE', `At most ${BROWSER_METRICS_MAX_ENTRIES} metrics per post`);
  }
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

export function browserMetricsRouter(limiter: RateLimiter, postsPerMinutePerIp: number): Router {
  const router = Router();
  const limit = rateLimitByIp(limiter, { name: 'browser-metrics', limit: postsPerMinutePerIp, windowSeconds: 60 });
  const body = jsonBody({ limitBytes: BROWSER_METRICS_BODY_LIMIT_BYTES, types: ['application/json', 'text/plain'] });

  router.post('/web-vitals', limit, body, (req, res) => {
    checkEntryCount(req.body);
    const { metrics } = parse(webVitalsBody, req.body, 'Web Vitals body');
    metrics.forEach(observeVital);
    res.status(202).json({ accepted: metrics.length });
  });

  router.post('/custom', limit, body, (req, res) => {
    checkEntryCount(req.body);
    // A single metric is posted as {name, value, labels, timestamp}; a batch as { metrics: [...] }.
    const metrics =
      isObject(req.body) && 'metrics' in req.body
        ? parse(customMetricsBody, req.body, 'custom metrics body').metrics
        : [parse(customMetricEntry, req.body, 'custom metric')];
    metrics.forEach(observeCustom);
    res.status(202).json({ accepted: metrics.length });
  });

  return router;
}
