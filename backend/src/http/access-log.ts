/**
 * Gives every request an id (a valid incoming X-Request-Id, else a new UUID;
 * a client's id that looks like a credential is replaced), echoes it in the
 * response, runs the rest of the request inside the async context the logger
 * reads, and writes one access line when it ends (with the request's trace id
 * when tracing is on).
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { endpointOf, isProbe } from '../observability/metrics/http-metrics';
import { writeAccessLine } from '../observability/logging/logger';
import { mayHoldSecret } from '../observability/redact';
import { runWithRequestContext } from '../observability/current-request';
import { recordFailure } from '../observability/recent-failures';
import { onResponseClose } from '../observability/response-close';
import { currentTraceIds } from '../observability/tracing/trace';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.get('x-request-id');
  // A caller's id is kept when it is a plain id: not one that looks like a credential, since the
  // access line is not scrubbed (logger.ts writeAccessLine).
  const requestId = incoming && VALID_REQUEST_ID.test(incoming) && !mayHoldSecret(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const start = process.hrtime.bigint();
  const ctx = { requestId } as { requestId: string; userId?: string };
  // Read while the request's SERVER span is active; the 'close' listener may run outside it.
  const traceIds = currentTraceIds();
  onResponseClose(res, () => {
    const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
    // The context fields are the line's own; absent ones (undefined) are left out.
    const line = {
      request_id: requestId,
      user_id: ctx.userId,
      trace_id: traceIds?.traceId,
      span_id: traceIds?.spanId,
      method: req.method,
      route: endpointOf(req),
      status: res.writableFinished ? res.statusCode : 499,
      duration_ms: Math.round(durationMs * 10) / 10,
    };
    writeAccessLine(isProbe(req.path) ? 'debug' : 'info', line);
    // A member's failed calls, for the problem reports they file (with the ids to find them by).
    if (ctx.userId && line.status >= 500 && line.status !== 499) {
      recordFailure(ctx.userId, {
        at: new Date().toISOString(),
        method: line.method,
        route: line.route,
        status: line.status,
        requestId,
        traceId: traceIds?.traceId ?? null,
      });
    }
  });
  runWithRequestContext(ctx, next);
}
