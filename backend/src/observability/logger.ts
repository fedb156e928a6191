/**
 * Structured logging (pino). JSON lines with service, version and environment
 * on every line; request id (and trace ids, when tracing is on) mixed in from
 * the async context; secrets redacted.
 */
import pino, { type Logger } from 'pino';
import { currentRequestContext } from './request-context';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'authToken',
  '*.authToken',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'cookie',
  '*.cookie',
  'sessionId',
  '*.sessionId',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-plex-token"]',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-plex-token"]',
  'headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

let root: Logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'medianest-backend' } });

export interface LoggerOptions {
  level: string;
  version: string;
  environment: string;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'medianest-backend', version: options.version, environment: options.environment },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      mixin() {
        const ctx = currentRequestContext();
        if (!ctx) return {};
        return ctx.userId ? { request_id: ctx.requestId, user_id: ctx.userId } : { request_id: ctx.requestId };
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Replaces the process logger (main.ts does this once config is known). */
export function setLogger(next: Logger): void {
  root = next;
}

/** The process logger. Modules call this at use time, so they see the configured one. */
export function logger(): Logger {
  return root;
}
