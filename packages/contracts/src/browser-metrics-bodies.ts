/**
 * The bodies a browser may post to the metrics ingestion endpoints, as the zod
 * schemas the server parses with (the limits are in browser-metrics.ts).
 */
import { z } from 'zod';
import { webVitalNames } from './api';
import { browserMetricMethods, MAX_BROWSER_TIME_MS, MAX_CLS, navigationTypes } from './browser-metrics';

const route = z.string().min(1).max(256);
const milliseconds = z.number().finite().min(0).max(MAX_BROWSER_TIME_MS);
const timestamp = z.number().finite().min(0).max(1e14);

/** One Web Vital: ms for times, unitless for CLS, tagged with the route template that was showing. */
export const webVitalEntry = z
  .object({
    name: z.enum(webVitalNames),
    value: z.number().finite().min(0),
    rating: z.enum(['good', 'needs-improvement', 'poor']).optional(),
    route,
    navigationType: z.enum(navigationTypes).optional(),
    id: z.string().max(128).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const max = m.name === 'CLS' ? MAX_CLS : MAX_BROWSER_TIME_MS;
    if (m.value > max) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be at most ${max} for ${m.name}` });
  });

/** POST /api/v1/metrics/web-vitals */
export const webVitalsBody = z.object({ metrics: z.array(webVitalEntry).min(1) }).strict();

/** 0 or "network": the request never got an answer. */
const statusCode = z.union([
  z.literal('network'),
  z.string().regex(/^(0|[2-5]\d\d)$/, 'must be 0, "network" or an HTTP status 200-599'),
  z
    .number()
    .int()
    .refine((n) => n === 0 || (n >= 200 && n <= 599), 'must be 0 or an HTTP status 200-599'),
]);

const navigationEntry = z
  .object({
    name: z.literal('navigation_duration'),
    value: milliseconds,
    labels: z.union([z.object({ route }).strict(), z.object({ from_route: route.optional(), to_route: route }).strict()]),
    timestamp: timestamp.optional(),
  })
  .strict();

const apiEntry = z
  .object({
    name: z.literal('api_request_duration'),
    value: milliseconds,
    labels: z.object({ endpoint: route, method: z.enum(browserMetricMethods), status_code: statusCode }).strict(),
    timestamp: timestamp.optional(),
  })
  .strict();

/** One custom metric: a navigation between routes, or an API call's duration. */
export const customMetricEntry = z.discriminatedUnion('name', [navigationEntry, apiEntry]);

/** POST /api/v1/metrics/custom (a batch; a single entry is accepted as well). */
export const customMetricsBody = z.object({ metrics: z.array(customMetricEntry).min(1) }).strict();

export type WebVitalEntry = z.input<typeof webVitalEntry>;
export type CustomMetricEntry = z.input<typeof customMetricEntry>;
