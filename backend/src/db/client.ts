/**
 * The database: PostgreSQL through a `pg` pool when DATABASE_URL is set
 * (postgres.ts, loaded only then), the embedded PGlite in DATA_DIR otherwise. Both go through Drizzle with the same
 * schema and migrations, and both are wrapped once at the driver
 * (instrumentQuery) so every query is measured without calls in features.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import path from 'node:path';
import { getTableName, is, Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { setGaugeSource } from '../observability/metrics/catalog';
import { openEmbeddedClient } from './embedded';
import * as schema from './schema';
import { WriteHealth } from './write-health';
import { HEARTBEAT_SQL, instrumentQuery, refuseNewerSchema, withTimeout } from './instrument';
import { MIGRATIONS_FOLDER } from './schema-version';
import { restrictToOwner, PRIVATE_DIR_MODE } from '../data-dir';
import { describeError, StartupError } from '../startup-error';
import { databaseUnavailable } from './availability';
import { setKnownTables } from '../observability/sql-statement';

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
setKnownTables((Object.values(schema) as unknown[]).filter((v): v is Table => is(v, Table)).map((t) => getTableName(t)));

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
    ? await (
        await import('./postgres.js')
      ).openPostgres(options.url, options.poolMax ?? 10, writeRetryMs, options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS)
    : await openPglite(options.dataDir, writeRetryMs);
  const database = withFailFast(opened);
  setGaugeSource('medianest_database_connections_active', () => database.activeConnections());
  // PGlite runs one query at a time: its "pool" holds one connection.
  const maxConnections = options.url ? (options.poolMax ?? 10) : 1;
  setGaugeSource('medianest_database_connections_max', () => maxConnections);
  setGaugeSource('medianest_database_writable', () => (database.writes.current() ? 0 : 1));
  return database;
}
