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
import { AppError } from '../../errors';
import { jsonBody } from '../../http/json-body';
import { rateLimitByIp, type RateLimiter } from '../../http/rate-limit';
import { parse } from '../../http/validate';
import {
  BROWSER_METRICS_BODY_LIMIT_BYTES,
  BROWSER_METRICS_MAX_ENTRIES,
  customMetricEntry,
  customMetricsBody,
  webVitalsBody,
} from '@medianest/contracts';
import { recordCustomMetrics, recordWebVitals } from './browser-metrics.service';

/** A plain JSON object (not an array, not null). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkEntryCount(body: unknown): void {
  if (isObject(body) && Array.isArray(body.metrics) && body.metrics.length > BROWSER_METRICS_MAX_ENTRIES) {
    throw new AppError(413, 'PAYLOAD_TOO_LARGE', `At most ${BROWSER_METRICS_MAX_ENTRIES} metrics per post`);
  }
}

export function browserMetricsRouter(limiter: RateLimiter, postsPerMinutePerIp: number): Router {
  const router = Router();
  const limit = rateLimitByIp(limiter, { name: 'browser-metrics', limit: postsPerMinutePerIp, windowSeconds: 60 });
  const body = jsonBody({ limitBytes: BROWSER_METRICS_BODY_LIMIT_BYTES, types: ['application/json', 'text/plain'] });

  router.post('/web-vitals', limit, body, (req, res) => {
    checkEntryCount(req.body);
    const { metrics } = parse(webVitalsBody, req.body, 'Web Vitals body');
    recordWebVitals(metrics);
    res.status(202).json({ accepted: metrics.length });
  });

  router.post('/custom', limit, body, (req, res) => {
    checkEntryCount(req.body);
    // A single metric is posted as {name, value, labels, timestamp}; a batch as { metrics: [...] }.
    const metrics =
      isObject(req.body) && 'metrics' in req.body
        ? parse(customMetricsBody, req.body, 'custom metrics body').metrics
        : [parse(customMetricEntry, req.body, 'custom metric')];
    recordCustomMetrics(metrics);
    res.status(202).json({ accepted: metrics.length });
  });

  return router;
}
