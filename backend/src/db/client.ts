/**
 * The database: PostgreSQL through a `pg` pool when DATABASE_URL is set, the
 * embedded PGlite in DATA_DIR otherwise. Both go through Drizzle with the same
 * schema and migrations, and both are wrapped once at the driver
 * (instrumentQuery) so every query is measured without calls in features.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import path from 'node:path';
import { getTableName, is, Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { databaseQueryDuration, setGaugeSource } from '../observability/metrics/catalog';
import { logger } from '../observability/logging/logger';
import type { Attributes } from '@opentelemetry/api';
import { startStatementSpan, traceStatement } from '../observability/tracing/trace';
import { openEmbeddedClient } from './embedded';
import * as schema from './schema';
import { WriteHealth } from './write-health';
import { MIGRATIONS_FOLDER, readAppliedMigrations, schemaMismatch } from './schema-version';
import { restrictToOwner, PRIVATE_DIR_MODE } from '../data-dir';
import { describeError, StartupError } from '../startup-error';
import { databaseUnavailable } from './availability';
import { parseStatement, setKnownTables, statementShape, type ParsedStatement } from '../observability/sql-statement';

export { MIGRATIONS_FOLDER };

const gzip = promisify(zlib.gzip);

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
  /** Whether writes succeed (a full disk or a read-only database fails writes while reads go on). */
  readonly writes: WriteHealth;
  /**
   * While `isDown()` says so (the database breaker is open), reading `db` throws a 503 at once instead
   * of queueing behind a database that does not answer; `ping` still reaches it, so the probe can close it.
   */
  failFastWhen(isDown: () => boolean): void;
  /**
   * Embedded database only: a consistent copy of its data folder as a gzipped tar (PGlite's
   * dumpDataDir, taken while no query runs), what backups are made of (backups.ts).
   */
  readonly dumpEmbedded?: () => Promise<Blob>;
  close(): Promise<void>;
}

export const SLOW_QUERY_MS = 1000;
/** How often a heartbeat write is tried while writes fail (HEALTH_PROBE_INTERVAL_MS in the app). */
const WRITE_RETRY_INTERVAL_MS = 5_000;
/** DATABASE_QUERY_TIMEOUT_MS's default. */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** `database`, whose `db` fails fast (503) while its breaker says the database is down. */
function withFailFast(database: Omit<Database, 'failFastWhen'>): Database {
  let isDown = () => false;
  return {
    kind: database.kind,
    get db() {
      if (isDown()) throw databaseUnavailable('breaker_open');
      return database.db;
    },
    writes: database.writes,
    ping: (timeoutMs) => database.ping(timeoutMs),
    recreatePool: () => database.recreatePool(),
    activeConnections: () => database.activeConnections(),
    failFastWhen(check) {
      isDown = check;
    },
    ...(database.dumpEmbedded ? { dumpEmbedded: database.dumpEmbedded } : {}),
    close: () => database.close(),
  };
}
/** Bytes written next to the embedded database to see whether its disk has room again. */
const SPACE_PROBE_BYTES = 64 * 1024;
/** The heartbeat: one small row, rewritten. */
const HEARTBEAT_SQL =
  "INSERT INTO settings (key, value, updated_at) VALUES ('write_heartbeat', now()::text, now()) " +
  'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at';

setKnownTables((Object.values(schema) as unknown[]).filter((v): v is Table => is(v, Table)).map((t) => getTableName(t)));

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

function isWrite(parsed: ParsedStatement): boolean {
  return parsed.operation === 'insert' || parsed.operation === 'update' || parsed.operation === 'delete';
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
  if (arg && typeof arg === 'object' && 'text' in arg && typeof arg.text === 'string') {
    return (arg as { text: string }).text;
  }
  return '';
}

/**
 * A pg Client whose every query is observed (metrics, and a statement span inside a traced request
 * or job); the pool and Drizzle use it unchanged.
 */
class InstrumentedClient extends pg.Client {
  /** Set per database by `clientClass`. */
  protected writes?: WriteHealth;
  private spanAttributes?: Attributes;

  /** What this connection's statement spans carry besides the statement (one object per client). */
  private get statementSpanAttributes(): Attributes {
    return (this.spanAttributes ??= {
      'db.namespace': this.database ?? '',
      'db.name': this.database ?? '',
      'db.user': this.user ?? '',
      'server.address': this.host,
      'server.port': this.port,
    });
  }

  // pg's query has many overloads; we observe the promise form Drizzle uses and pass the rest through.
  override query(...args: unknown[]): never {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .apply(this, args), so `this` is this client
    const original = super.query as unknown as (...a: unknown[]) => unknown;
    const first = args[0] as { submit?: unknown } | undefined;
    if (first && typeof first.submit === 'function') return original.apply(this, args) as never; // cursors, streams
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      // pg-pool's pool.query() uses the callback form.
      const text = sqlText(args[0]);
      const parsed = parseStatement(text);
      const done = startQueryTimer(text, parsed);
      const endSpan = startStatementSpan(text, parsed, this.statementSpanAttributes);
      args[last] = (err: unknown, res: unknown) => {
        done(err ? 'error' : 'success');
        endSpan?.(Boolean(err), err);
        if (err) this.writes?.observeError(err);
        else if (isWrite(parsed)) this.writes?.observeWriteSuccess();
        (callback as (e: unknown, r: unknown) => void)(err, res);
      };
      return original.apply(this, args) as never;
    }
    return instrumentQuery(sqlText(args[0]), () => original.apply(this, args) as Promise<unknown>, {
      traced: true,
      connection: this.statementSpanAttributes,
      writes: this.writes,
    }) as never;
  }
}

/** The instrumented client class of one database, reporting to its write health. */
function clientClass(writes: WriteHealth): typeof pg.Client {
  return class extends InstrumentedClient {
    protected override writes = writes;
  };
}

/** Throws (one sentence naming both versions) when the database was written by a newer MediaNest. */
async function refuseNewerSchema(query: (sql: string) => Promise<{ rows: unknown[] }>): Promise<void> {
  const mismatch = schemaMismatch(await readAppliedMigrations(query as (sql: string) => Promise<{ rows: Record<string, unknown>[] }>));
  if (mismatch) throw new Error(mismatch);
}

async function openPostgres(
  url: string,
  poolMax: number,
  writeRetryMs: number,
  queryTimeoutMs: number,
): Promise<Omit<Database, 'failFastWhen'>> {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const writes = new WriteHealth(() => pool.query(HEARTBEAT_SQL), writeRetryMs);
  const Client = clientClass(writes);
  // Serving queries give up after queryTimeoutMs (a wedged server must not hold members forever);
  // the start-up connection and the migrations run on a pool of their own without that limit.
  const makePool = (queryTimeout = queryTimeoutMs) => {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolMax,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 30_000,
      ...(queryTimeout > 0 ? { query_timeout: queryTimeout } : {}),
      Client,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', (err) => logger().warn({ event: 'database.pool.error', err: err.message }, 'Database connection lost'));
    return pool;
  };
  let pool = makePool(0);
  // Connect first, so an unreachable server or a missing database is said as such, not as the
  // migrator's "Failed query: CREATE SCHEMA …".
  for (const [step, run] of [
    ['', () => pool.query('SELECT 1')],
    ['', () => refuseNewerSchema((sql) => pool.query(sql))],
    ['cannot apply the schema migrations: ', () => migrate(drizzle(pool, { schema }), { migrationsFolder: MIGRATIONS_FOLDER })],
  ] as const) {
    try {
      await run();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new StartupError('DATABASE_URL', step + describeError(err));
    }
  }
  await pool.end();
  pool = makePool();
  let db = drizzle(pool, { schema }) as unknown as AppDb;
  const database: Omit<Database, 'failFastWhen'> = {
    kind: 'postgres',
    writes,
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
      writes.close();
      await pool.end();
    },
  };
  return database;
}

async function openPglite(dataDir: string, writeRetryMs: number): Promise<Omit<Database, 'failFastWhen'>> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dir = path.join(dataDir, 'db');
  let client: Awaited<ReturnType<typeof openEmbeddedClient>>;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    client = await openEmbeddedClient(dir);
  } catch (err) {
    throw new StartupError('DATA_DIR', `the embedded database in ${dir} cannot be opened: ${describeError(err)}`);
  }
  // PGlite unpacks a new database with world-readable files (0666), the WAL included.
  restrictToOwner(dir);
  // On a full disk a row can still be rewritten in place, so the heartbeat first writes a file on the
  // database's disk: only when that has room again are writes considered restored.
  const probeFile = path.join(dataDir, '.write-probe');
  const heartbeat = async () => {
    try {
      await fs.promises.writeFile(probeFile, Buffer.alloc(SPACE_PROBE_BYTES), { mode: 0o600 });
    } finally {
      await fs.promises.rm(probeFile, { force: true });
    }
    await client.query(HEARTBEAT_SQL);
  };
  const writes = new WriteHealth(heartbeat, writeRetryMs);
  instrumentPglite(client, writes);
  const db = drizzle(client, { schema }) as unknown as AppDb;
  try {
    await refuseNewerSchema((sql) => client.query(sql));
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new StartupError('DATA_DIR', `${dir}: ${describeError(err)}`);
  }
  try {
    await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new StartupError('DATA_DIR', `the embedded database in ${dir} cannot apply the schema migrations: ${describeError(err)}`);
  }
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
    writes,
    async ping(timeoutMs) {
      await withTimeout(client.query('SELECT 1'), timeoutMs, 'Embedded database');
    },
    async recreatePool() {
      // The embedded database lives in this process; there is no pool to recreate.
    },
    activeConnections() {
      return inFlight > 0 ? 1 : 0;
    },
    // The tar is taken under PGlite's query lock (queries wait meanwhile); compressing it happens
    // after, on libuv's thread pool, so queries wait only for the copy.
    dumpEmbedded: async () => new Blob([await gzip(new Uint8Array(await (await client.dumpDataDir('none')).arrayBuffer()))]),
    async close() {
      writes.close();
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

function wrapPgliteMethods(target: Pick<PgliteLike, 'query' | 'exec'>, writes: WriteHealth): void {
  const query = target.query.bind(target);
  const exec = target.exec.bind(target);
  const options = { ...TRACED, writes };
  target.query = (sql: string, ...rest: never[]) => instrumentQuery(sql, () => query(sql, ...rest), options);
  target.exec = (sql: string, ...rest: never[]) => instrumentQuery(sql, () => exec(sql, ...rest), options);
}

function instrumentPglite(client: unknown, writes: WriteHealth): void {
  const c = client as PgliteLike;
  wrapPgliteMethods(c, writes);
  const transaction = c.transaction.bind(c);
  c.transaction = ((fn: (tx: PgliteLike) => Promise<unknown>) =>
    transaction((tx) => {
      wrapPgliteMethods(tx, writes);
      return fn(tx);
    })) as PgliteLike['transaction'];
}

export async function openDatabase(options: {
  url?: string;
  dataDir: string;
  poolMax?: number;
  /** How often a heartbeat write is tried while writes fail. */
  writeRetryIntervalMs?: number;
  /** PostgreSQL: how long one query may take before it fails (0: no limit). */
  queryTimeoutMs?: number;
}): Promise<Database> {
  const writeRetryMs = options.writeRetryIntervalMs ?? WRITE_RETRY_INTERVAL_MS;
  const opened = options.url
    ? await openPostgres(options.url, options.poolMax ?? 10, writeRetryMs, options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS)
    : await openPglite(options.dataDir, writeRetryMs);
  const database = withFailFast(opened);
  setGaugeSource('medianest_database_connections_active', () => database.activeConnections());
  // PGlite runs one query at a time: its "pool" holds one connection.
  const maxConnections = options.url ? (options.poolMax ?? 10) : 1;
  setGaugeSource('medianest_database_connections_max', () => maxConnections);
  setGaugeSource('medianest_database_writable', () => (database.writes.current() ? 0 : 1));
  return database;
}
