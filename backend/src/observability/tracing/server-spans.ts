/**
 * The SERVER span of every request the web app handles (health and metrics
 * probes excepted), by construction: the first middleware of the Express app
 * continues the caller's W3C trace (`traceparent`), starts the span, runs the
 * rest of the request inside it, and ends it when the response closes, named
 * after the route template Express matched — the same string as the metrics'
 * `endpoint` label (`GET /api/v1/media/:id`), or the bare method when no
 * route matched (never the raw path). Attributes follow the stable HTTP
 * semantic conventions; no request or response headers are recorded other than
 * the user agent (headers carry cookies and tokens), and every string is
 * scrubbed again before export (span-redaction.ts).
 *
 * Why not @opentelemetry/instrumentation-http for incoming requests: it binds
 * the request and response emitters to the context (wrapping every listener
 * Express and its middleware add) and builds old and new attribute sets for
 * every request, sampled or not. Measured on the bench's database route that
 * was +0.3 ms of CPU per request even at sampling ratio 0 — most of the cost
 * of tracing. Here an unsampled request costs one non-recording span. The
 * http instrumentation still traces outgoing node:http calls; undici/fetch,
 * pg and ioredis keep their own instrumentations (sdk.ts).
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { NextFunction, Request, Response } from 'express';
import { endpointOf, UNMATCHED } from '../metrics/http-metrics';
import { isProbe } from '../probes';
import { onResponseClose } from '../response-close';
import { startRootSpan } from './deferred-root';
import { setAttributesIfKept } from './deferred-spans';
import { TRACER_NAME } from './trace';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

function requestAttributes(req: Request): Attributes {
  const url = req.originalUrl || req.url || '/';
  const q = url.indexOf('?');
  const method = KNOWN_METHODS.has(req.method) ? req.method : '_OTHER';
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': q === -1 ? url : url.slice(0, q),
    'url.scheme': req.protocol,
    'client.address': req.ip, // the socket's peer, or the forwarded client behind a trusted proxy
  };
  if (method === '_OTHER') attributes['http.request.method_original'] = req.method;
  if (q !== -1) attributes['url.query'] = url.slice(q + 1);
  const host = req.headers.host;
  if (host) {
    const colon = host.lastIndexOf(':');
    const bracket = host.lastIndexOf(']');
    if (colon > bracket && colon !== -1) {
      attributes['server.address'] = host.slice(0, colon);
      const port = Number(host.slice(colon + 1));
      if (Number.isInteger(port) && port > 0 && port < 65536) attributes['server.port'] = port;
    } else {
      attributes['server.address'] = host;
    }
  }
  const userAgent = req.headers['user-agent'];
  if (userAgent) attributes['user_agent.original'] = userAgent;
  return attributes;
}

/** Express middleware that wraps each request in its SERVER span; mount it first. */
export function serverSpans(tracer: Tracer = trace.getTracer(TRACER_NAME)) {
  return function serverSpanMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (isProbe(req.path)) return next();
    // No traceparent, nothing to continue (we propagate no baggage): skip the propagators.
    const parent = req.headers.traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, req.headers);
    // Span names stay low-cardinality: a method outside the known set is "HTTP" (semantic conventions).
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'HTTP';
    // A new trace's root is a light record while the tail sampler has not kept it (deferred-root.ts).
    const span =
      parent === ROOT_CONTEXT
        ? startRootSpan(tracer, method, SpanKind.SERVER)
        : tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      // Built only for a trace that is exported: an unsampled or dropped request costs no attribute work.
      setAttributesIfKept(span, () => requestAttributes(req));
      onResponseClose(res, () => {
        const route = endpointOf(req);
        if (route !== UNMATCHED) {
          span.setAttribute('http.route', route);
          span.updateName(`${method} ${route}`);
        }
        if (res.writableFinished) {
          span.setAttribute('http.response.status_code', res.statusCode);
          if (res.statusCode >= 500) {
            span.setAttribute('error.type', String(res.statusCode));
            // The error handler may already have set ERROR with the exception's message: keep it.
            if ((span as Partial<ReadableSpan>).status?.code !== SpanStatusCode.ERROR) span.setStatus({ code: SpanStatusCode.ERROR });
          }
        } else {
          // The client went away before the answer was complete (the metrics count it as 499).
          span.setAttribute('error.type', 'aborted');
        }
        span.end();
      });
    }
    context.with(trace.setSpan(parent, span), next);
  };
}
