/**
 * The one error handler: AppErrors keep their status and code; body-parser
 * failures become 400/413/415; any other error that carries a 4xx status of
 * its own (http-errors style `status`/`statusCode`, as Express, its router and
 * body parsers raise for a path that cannot be decoded or a body that cannot be
 * inflated) is the client's mistake and keeps that status; a write the
 * database cannot store (disk full, read-only) or a database that does not
 * answer is a 503 that says so; anything
 * else is a logged 500 with no stack trace sent to the client.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { AppError, isAppError, type ErrorCode } from '../errors';
import { forgetRouteTemplate } from '../observability/metrics/http-metrics';
import { logger } from '../observability/logging/logger';
import { classifyDatabaseOutage, databaseUnavailable } from '../db/availability';
import { classifyWriteFailure, describeWriteFailure } from '../db/write-health';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const GENERIC_MESSAGE: Partial<Record<number, string>> = {
  404: 'Not found',
  413: 'Request body is too large',
  415: 'Unsupported request body',
};

/**
 * An http-errors-style client error (4xx `status` or `statusCode`) as an AppError.
 * Its message is shown only when the error says it may be (`expose`, true by default
 * for 4xx in http-errors), and is cut short because it can quote the request.
 */
function fromClientError(err: BodyParserError): AppError | undefined {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499) return undefined;
  const exposed = err.expose !== false && typeof err.message === 'string' && err.message !== '';
  const message = exposed ? err.message!.slice(0, 200) : (GENERIC_MESSAGE[status] ?? 'The request could not be understood');
  return new AppError(status, CODE_FOR_STATUS[status] ?? 'BAD_REQUEST', message);
}

/**
 * Node's HTTP parser failing on what the client sent (codes `HPE_*`, e.g. a
 * request cut off mid-body: `HPE_INVALID_EOF_STATE`), reaching us through the
 * body stream: the client's mistake, whose connection is usually gone already.
 */
function fromHttpParser(err: unknown): AppError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('HPE_')) return undefined;
  return new AppError(400, 'BAD_REQUEST', 'The request could not be parsed as HTTP');
}

function fromBodyParser(err: BodyParserError): AppError | undefined {
  const parserError = fromHttpParser(err);
  if (parserError) return parserError;
  switch (err.type) {
    case 'entity.too.large':
      return new AppError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large (limit 100 kB)');
    case 'entity.parse.failed':
      return new AppError(400, 'BAD_REQUEST', 'Request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
    case 'request.aborted':
      return new AppError(400, 'BAD_REQUEST', 'Request was aborted');
    case 'request.size.invalid':
      return new AppError(400, 'BAD_REQUEST', 'Request body is shorter or longer than its Content-Length');
    default:
      // e.g. a body declared gzip that is not: zlib's own message says what was wrong with it.
      if (
        err.status === 400 &&
        err.type === undefined &&
        typeof err.message === 'string' &&
        /incorrect header|invalid|unexpected end|decompress|zlib|brotli/i.test(err.message)
      ) {
        return new AppError(
          400,
          'BAD_REQUEST',
          `Request body could not be decoded as its Content-Encoding says (${err.message.slice(0, 100)})`,
        );
      }
      return fromClientError(err);
  }
}

/** A failed write because the disk is full or the database is read-only: not our bug, and temporary. */
function fromWriteFailure(err: unknown): AppError | undefined {
  const failure = classifyWriteFailure(err);
  if (!failure) return undefined;
  const what = describeWriteFailure(failure.reason);
  return new AppError(503, 'SERVICE_UNAVAILABLE', `Your change was not saved: ${what}. Try again later.`, {
    details: { reason: failure.reason },
    headers: { 'Retry-After': '30' },
    cause: err,
  });
}

/** The database did not answer (timeout, connection lost or refused): temporary and not the member's doing. */
function fromDatabaseOutage(err: unknown): AppError | undefined {
  const reason = classifyDatabaseOutage(err);
  return reason ? databaseUnavailable(reason, err) : undefined;
}

export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const appError = isAppError(err) ? err : (fromBodyParser(err as BodyParserError) ?? fromWriteFailure(err) ?? fromDatabaseOutage(err));
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  if (appError) {
    if (appError.status >= 500) {
      logger().warn({ event: 'request.failed', code: appError.code, err: appError.message }, appError.message);
    }
    if (appError.headers) res.set(appError.headers);
    res.status(appError.status).json({
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details !== undefined ? { details: appError.details } : {}),
      },
    });
    return;
  }
  logger().error({ event: 'request.error', err }, 'Unhandled error while handling request');
  // The trace of a 500 shows the exception (the message is scrubbed by the span filter before export).
  const span = trace.getActiveSpan();
  if (span && err instanceof Error) {
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  }
  res.status(500).json({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } });
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  forgetRouteTemplate(req); // a route that matched and passed it on did not handle it
  next(AppError.notFound(`No route for ${req.method} ${req.path}`));
}
