/**
 * The limits of the browser metrics ingestion endpoints
 * (POST /api/v1/metrics/web-vitals and POST /api/v1/metrics/custom), kept by
 * both sides: the server refuses anything beyond them with a 4xx, and the web
 * app drops or splits what would be refused, so one bad value never costs a
 * whole batch. The bodies themselves are zod schemas in
 * browser-metrics-bodies.ts (the web app's bundle never carries zod).
 */

/** Largest body per post, in bytes (413 above it). */
export const BROWSER_METRICS_BODY_LIMIT_BYTES = 16 * 1024;
/** Most entries per post (413 above it). */
export const BROWSER_METRICS_MAX_ENTRIES = 50;
/** Longest time accepted from a browser, in ms. */
export const MAX_BROWSER_TIME_MS = 60_000;
/** Largest Cumulative Layout Shift accepted (unitless). */
export const MAX_CLS = 10;

export const browserMetricMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const navigationTypes = ['navigate', 'reload', 'back-forward', 'back-forward-cache', 'prerender', 'restore'] as const;
