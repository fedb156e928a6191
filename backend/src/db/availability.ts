/**
 * When the database does not answer (the host is wedged, the server is gone,
 * the connection pool cannot connect), a member's request must not wait
 * forever or answer "something went wrong on our side": it answers 503 with
 * Retry-After, and while the database breaker is open it does so at once,
 * without touching the database, until the breaker's probe finds it back.
 */
import { AppError, causeChain } from '../errors';

export type DatabaseOutageReason = 'not_answering' | 'unreachable' | 'breaker_open';

const MESSAGES: Record<DatabaseOutageReason, string> = {
  not_answering: 'The database is not answering right now',
  unreachable: 'The database cannot be reached right now',
  breaker_open: 'The database is not answering right now; MediaNest keeps checking and recovers by itself',
};

export function databaseUnavailable(reason: DatabaseOutageReason, cause?: unknown): AppError {
  return new AppError(503, 'SERVICE_UNAVAILABLE', `${MESSAGES[reason]}. Try again in a moment.`, {
    details: { service: 'database', reason },
    headers: { 'Retry-After': '15' },
    cause,
  });
}

const CONNECTIVITY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', '57P01', '57P03']);

/** The database outage `err` (or one of its causes) says, or undefined for any other error. */
export function classifyDatabaseOutage(err: unknown): DatabaseOutageReason | undefined {
  for (const { code, message } of causeChain(err)) {
    // node-postgres: query_timeout, pool connect timeout, a connection that died under a query.
    if (/^Query read timeout$|timeout exceeded when trying to connect|Connection terminated/i.test(message)) return 'not_answering';
    if (CONNECTIVITY_CODES.has(code)) return 'unreachable';
  }
  return undefined;
}
