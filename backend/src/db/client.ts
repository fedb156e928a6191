/**
 * The database: PostgreSQL through a `pg` pool when DATABASE_URL is set, the
 * embedded PGlite in DATA_DIR otherwise. Both go through Drizzle with the same
 * schema and migrations, and both are wrapped once at the driver
 * (instrumentQuery) so every query is measured without calls in features.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getTableName, is, Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { databaseQueryDuration, setGaugeSource } from '../observability/metrics/catalog';
import { logger } from '../observability/logging/logger';
import { traceStatement } from '../observability/tracing/trace';
import * as schema from './schema';
import { parseStatement, setKnownTables, statementShape, type ParsedStatement } from '../observability/sql-statement';

export type AppDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** The Drizzle handle. Read it at use time: recovery may replace it. */
  readonly db: AppDb;
  /** Resolves when a trivial query answers within `timeoutMs`, rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
  /** Ends the pool and creates a new one (the database breaker's recovery procedure). */
  recreatePool(): Promise<void>;
  activeConnections(): number;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');
export const SLOW_QUERY_MS = 1000;

setKnownTables(
  (Object.values(schema) as unknown[]).filter((v): v is Table => is(v, Table)).map((t) => getTableName(t)),
);

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
 * Times one query. With `traced`, the query also gets a child span of the active request's span;
 * only the embedded database asks for it — on PostgreSQL the pg instrumentation makes that span.
 */
export async function instrumentQuery<T>(sql: string, run: () => Promise<T>, options: { traced?: boolean } = {}): Promise<T> {
  const parsed = parseStatement(sql); // once: Drizzle's statements are long, fresh strings
  const done = startQueryTimer(sql, parsed);
  try {
    const result = await (options.traced ? traceStatement(sql, run, parsed) : run());
    done('success');
    return result;
  } catch (err) {
    done('error');
    throw err;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sqlText(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'text' in arg && typeof (arg as { text: unknown }).text === 'string') {
    return (arg as { text: string }).text;
  }
  return '';
}

/** A pg Client whose every query is observed; the pool and Drizzle use it unchanged. */
class InstrumentedClient extends pg.Client {
  // pg's query has many overloads; we observe the promise form Drizzle uses and pass the rest through.
  override query(...args: unknown[]): never {
    const original = super.query as unknown as (...a: unknown[]) => unknown;
    const first = args[0] as { submit?: unknown } | undefined;
    if (first && typeof first.submit === 'function') return original.apply(this, args) as never; // cursors, streams
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      // pg-pool's pool.query() uses the callback form.
      const done = startQueryTimer(sqlText(args[0]));
      args[last] = (err: unknown, res: unknown) => {
        done(err ? 'error' : 'success');
        (callback as (e: unknown, r: unknown) => void)(err, res);
      };
      return original.apply(this, args) as never;
    }
    return instrumentQuery(sqlText(args[0]), () => original.apply(this, args) as Promise<unknown>) as never;
  }
}

async function openPostgres(url: string, poolMax: number): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const makePool = () => {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolMax,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 30_000,
      Client: InstrumentedClient,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', (err) => logger().warn({ event: 'database.pool.error', err: err.message }, 'Database connection lost'));
    return pool;
  };
  let pool = makePool();
  let db = drizzle(pool, { schema }) as unknown as AppDb;
  await migrate(drizzle(pool, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
  const database: Database = {
    kind: 'postgres',
    get db() {
      return db;
    },
    async ping(timeoutMs) {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'PostgreSQL');
    },
    async recreatePool() {
      const old = pool;
      pool = makePool();
      db = drizzle(pool, { schema }) as unknown as AppDb;
      old.end().catch(() => undefined);
    },
    activeConnections() {
      return pool.totalCount - pool.idleCount;
    },
    async close() {
      await pool.end();
    },
  };
  return database;
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dir = path.join(dataDir, 'db');
  fs.mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  instrumentPglite(client);
  const db = drizzle(client, { schema }) as unknown as AppDb;
  await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
  let inFlight = 0;
  const query = client.query.bind(client);
  client.query = (async (...args: Parameters<typeof query>) => {
    inFlight++;
    try {
      return await query(...args);
    } finally {
      inFlight--;
    }
  }) as typeof client.query;
  return {
    kind: 'pglite',
    db,
    async ping(timeoutMs) {
      await withTimeout(client.query('SELECT 1'), timeoutMs, 'Embedded database');
    },
    async recreatePool() {
      // The embedded database lives in this process; there is no pool to recreate.
    },
    activeConnections() {
      return inFlight > 0 ? 1 : 0;
    },
    async close() {
      await client.close();
    },
  };
}

interface PgliteLike {
  query: (sql: string, ...rest: never[]) => Promise<unknown>;
  exec: (sql: string, ...rest: never[]) => Promise<unknown>;
  transaction: <T>(fn: (tx: PgliteLike) => Promise<T>) => Promise<T>;
}

const TRACED = { traced: true };

function wrapPgliteMethods(target: Pick<PgliteLike, 'query' | 'exec'>): void {
  const query = target.query.bind(target);
  const exec = target.exec.bind(target);
  target.query = ((sql: string, ...rest: never[]) =>
    instrumentQuery(sql, () => query(sql, ...rest), TRACED)) as PgliteLike['query'];
  target.exec = ((sql: string, ...rest: never[]) =>
    instrumentQuery(sql, () => exec(sql, ...rest), TRACED)) as PgliteLike['exec'];
}

function instrumentPglite(client: unknown): void {
  const c = client as PgliteLike;
  wrapPgliteMethods(c);
  const transaction = c.transaction.bind(c);
  c.transaction = ((fn: (tx: PgliteLike) => Promise<unknown>) =>
    transaction((tx) => {
      wrapPgliteMethods(tx);
      return fn(tx);
    })) as PgliteLike['transaction'];
}

export async function openDatabase(options: { url?: string; dataDir: string; poolMax?: number }): Promise<Database> {
  const database = options.url
    ? await openPostgres(options.url, options.poolMax ?? 10)
    : await openPglite(options.dataDir);
  setGaugeSource('medianest_database_connections_active', () => database.activeConnections());
  // PGlite runs one query at a time: its "pool" holds one connection.
  const maxConnections = options.url ? (options.poolMax ?? 10) : 1;
  setGaugeSource('medianest_database_connections_max', () => maxConnections);
  return database;
}
