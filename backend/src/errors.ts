/**
 * The one error type. Every expected failure is an AppError with a stable code;
 * the one handler (http/error-handler.ts) turns it into
 * `{ "error": { "code", "message", "details"? } }` with `status`. The codes are the contract's
 * (`errorCodes`), so the web app can word each one in the member's language.
 */
import type { ErrorCode } from '@medianest/contracts';

export type { ErrorCode };

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  readonly headers?: Record<string, string>;
  /** Marks errors that are the upstream's fault, so they are not counted as our bugs. */
  readonly expose: boolean;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
    this.expose = status < 500 || code.startsWith('UPSTREAM') || code === 'SERVICE_UNAVAILABLE' || code === 'NOT_CONFIGURED';
  }

  static badRequest(message: string, details?: unknown) {
    return new AppError(400, 'BAD_REQUEST', message, { details });
  }
  static unauthenticated(message = 'You need to sign in') {
    return new AppError(401, 'UNAUTHENTICATED', message);
  }
  /** `reason` names the refusal for the web app, which words it in the member's language (`details.reason`). */
  static forbidden(message = 'You are not allowed to do this', reason?: string) {
    return new AppError(403, 'FORBIDDEN', message, reason ? { details: { reason } } : {});
  }
  static notFound(message = 'Not found') {
    return new AppError(404, 'NOT_FOUND', message);
  }
  static conflict(message: string, details?: unknown) {
    return new AppError(409, 'CONFLICT', message, { details });
  }
  static rateLimited(retryAfterSeconds: number, message = 'Too many requests, try again later') {
    return new AppError(429, 'RATE_LIMITED', message, {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      details: { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) },
    });
  }
  static notConfigured(service: string) {
    return new AppError(503, 'NOT_CONFIGURED', `${service} is not configured on this server`);
  }
  static upstreamUnavailable(service: string, reason: string, cause?: unknown) {
    return new AppError(503, 'UPSTREAM_UNAVAILABLE', `${service} is unavailable right now (${reason})`, {
      details: { service },
      headers: { 'Retry-After': '30' },
      cause,
    });
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * `err` and the errors of its `cause` chain (drivers and ORMs wrap the real reason), at most 8 deep,
 * each with its `code` and `message` as strings ('' when absent).
 */
export function causeChain(err: unknown): Array<{ code: string; message: string }> {
  const chain: Array<{ code: string; message: string }> = [];
  for (let e: unknown = err; e && typeof e === 'object' && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    chain.push({ code: typeof code === 'string' ? code : '', message: typeof message === 'string' ? message : '' });
  }
  return chain;
}

/** The message of anything thrown, for a log line or a reason shown to an operator. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
