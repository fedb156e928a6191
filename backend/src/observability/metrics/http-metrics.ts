/**
 * HTTP request metrics by construction, one middleware for every request.
 * A raw path as a label (scanners, ids) would create unbounded series, so the
 * `endpoint` label is the matched route
 * template including its router's mount path, captured at the moment Express
 * matches the route; anything that matched no route is `unmatched`; unknown
 * methods are `OTHER`; a request the client aborted is recorded with status
 * code 499. Health and metrics probes are not API traffic and are not counted.
 */
import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration, httpRequestsInFlight, httpRequestsTotal } from './catalog';
import { httpOpsWindow } from './ops-window';
import { rememberRouteTemplate } from './route-templates';
import { isProbe } from '../probes';
import { onResponseClose } from '../response-close';
import { currentTraceIds, whenTraceExported } from '../tracing/trace';

export const UNMATCHED = 'unmatched';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const routeTemplate = Symbol('routeTemplate');

type TemplatedRequest = Request & { [routeTemplate]?: string };

/** The trace id of the request's sampled span, if tracing is on: the exemplar linking a latency bucket to a trace. */
function sampledTraceId(): string | undefined {
  const ids = currentTraceIds();
  return ids?.sampled ? ids.traceId : undefined;
}

/** prom-client's own exemplar update (what `observe` calls), for an observation made earlier. */
type ExemplarUpdate = (labels: Record<string, string>, value: number, exemplarLabels: Record<string, string>) => void;
function attachExemplar(labels: Record<string, string>, seconds: number, traceId: string): void {
  (httpRequestDuration as unknown as { updateExemplar: ExemplarUpdate }).updateExemplar(labels, seconds, { trace_id: traceId });
}

export { isProbe } from '../probes';

/** The route template of a finished request, e.g. /api/v1/admin/users/:id. */
export function endpointOf(req: Request): string {
  return (req as TemplatedRequest)[routeTemplate] ?? UNMATCHED;
}

/**
 * Forgets the template of a route that matched but passed the request on (e.g. the SPA
 * fallback for a non-HTML request): a request that ends in "no route" is unmatched.
 */
export function forgetRouteTemplate(req: Request): void {
  // Not `delete`: a deleted property turns the request into a slow dictionary object.
  (req as TemplatedRequest)[routeTemplate] = undefined;
}

/**
 * Express's own `req.route`, kept where every request of the app finds it: its prototype
 * (`app.request`), which reads and writes the request's own symbol property.
 */
const matchedRoute = Symbol('matchedRoute');
const routeAccessor: PropertyDescriptor & ThisType<TemplatedRequest & { [matchedRoute]?: unknown }> = {
  configurable: true,
  enumerable: true,
  get() {
    return this[matchedRoute];
  },
  set(value: { path?: unknown } | undefined) {
    this[matchedRoute] = value;
    if (value && typeof value.path === 'string') {
      const template = this.baseUrl.toLowerCase() + value.path;
      this[routeTemplate] = template.length > 1 ? template.replace(/\/+$/, '') || '/' : '/';
    }
  },
};

/**
 * Records the matched route template on each request of `app`. Express assigns req.route
 * when a route matches; at that moment req.baseUrl is the router's mount path, which is
 * restored (lost) before an error reaches the error handler. Installed before any route,
 * always (the access log uses the template too, with or without metrics).
 * req.baseUrl is the request's own text for the mount path, and mounts match
 * case-insensitively, so it is case-folded: /API/V1/auth/session must not become a
 * series of its own. (Mount paths are literals — http-metrics.test.ts checks — so
 * the mount part never carries ids.)
 *
 * One accessor on the app's request prototype, not one defined on every request: a
 * request with getter and setter functions of its own gets a hidden class (a V8 map) of
 * its own, which lives in the old generation and keeps the request and everything it
 * references alive until the next full collection — measured, 6–9 KB promoted a request.
 */
export function captureRouteTemplates(app: { request: object }): void {
  Object.defineProperty(app.request, 'route', routeAccessor);
}

export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (isProbe(req.path)) return next();
  const start = process.hrtime.bigint();
  httpRequestsInFlight.inc();
  // Read now, while the request's span is active: 'close' may fire outside its context.
  const traceId = sampledTraceId();
  onResponseClose(res, () => {
    httpRequestsInFlight.dec();
    const statusCode = res.writableFinished ? String(res.statusCode) : '499';
    const labels = {
      method: METHODS.has(req.method) ? req.method : 'OTHER',
      endpoint: endpointOf(req),
      status_code: statusCode,
    };
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // The histogram has exemplars enabled, so it only takes the object form. The exemplar is
    // attached once the trace is known to be exported (the tail sampler decides when the
    // request's span ends), so it never points at a dropped trace.
    httpRequestDuration.observe({ labels, value: seconds });
    if (traceId) whenTraceExported(traceId, () => attachExemplar(labels, seconds, traceId));
    httpRequestsTotal.inc(labels);
    // The admin Ops page's rolling window and the API templates browser timings may be labelled with.
    httpOpsWindow.record(seconds, Number(statusCode));
    rememberRouteTemplate(labels.endpoint);
  });
  next();
}
