/**
 * What both database drivers share: every query measured once, at the driver
 * (a histogram by operation and table, a slow-query log line with the
 * statement's shape only, a statement span inside a traced request), the
 * write heartbeat, the ping's time limit and the refusal of a database
 * written by a newer MediaNest.
 */
import type { Attributes } from '@opentelemetry/api';
import { databaseQueryDuration } from '../observability/metrics/catalog';
import { logger } from '../observability/logging/logger';
import { parseStatement, statementShape, type ParsedStatement } from '../observability/sql-statement';
import { traceStatement } from '../observability/tracing/trace';
import { readAppliedMigrations, schemaMismatch } from './schema-version';
import type { WriteHealth } from './write-health';

export const SLOW_QUERY_MS = 1000;
/** The heartbeat: one small row, rewritten. */
export const HEARTBEAT_SQL =
  "INSERT INTO settings (key, value, updated_at) VALUES ('write_heartbeat', now()::text, now()) " +
  'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at';

/** Starts timing one query; the returned function records it (histogram, slow-query log with the shape only). */
export function startQueryTimer(sql: string, parsed: ParsedStatement = parseStatement(sql)): (status: 'success' | 'error') => void {
  const start = process.hrtime.bigint();
  const { operation, table } = parsed;
  return (status) => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    databaseQueryDuration.observe({ operation, table, status }, seconds);
    if (seconds * 1000 >= SLOW_QUERY_MS) {
      logger().warn(
        { event: 'database.query.slow', operation, table, status, duration_ms: Math.round(seconds * 1000), statement: statementShape(sql) },
        'Slow database query',
      );
    }
  };
}

/**
 * Times one query. With `traced`, the query also gets a child span of the active request's span
 * (deferred until the trace is kept: deferred-spans.ts), carrying `connection`'s attributes.
 */
export async function instrumentQuery<T>(
  sql: string,
  run: () => Promise<T>,
  options: { traced?: boolean; connection?: Attributes; writes?: WriteHealth } = {},
): Promise<T> {
  const parsed = parseStatement(sql); // once: Drizzle's statements are long, fresh strings
  const done = startQueryTimer(sql, parsed);
  try {
    const result = await (options.traced ? traceStatement(sql, run, parsed, options.connection) : run());
    done('success');
    if (options.writes && isWrite(parsed)) options.writes.observeWriteSuccess();
    return result;
  } catch (err) {
    done('error');
    options.writes?.observeError(err);
    throw err;
  }
}

export function isWrite(parsed: ParsedStatement): boolean {
  return parsed.operation === 'insert' || parsed.operation === 'update' || parsed.operation === 'delete';
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Throws (one sentence naming both versions) when the database was written by a newer MediaNest. */
export async function refuseNewerSchema(query: (sql: string) => Promise<{ rows: unknown[] }>): Promise<void> {
  const mismatch = schemaMismatch(await readAppliedMigrations(query as (sql: string) => Promise<{ rows: Record<string, unknown>[] }>));
  if (mismatch) throw new Error(mismatch);
}
