/**
 * PostgreSQL (DATABASE_URL): a `pg` pool whose every client is instrumented.
 * Loaded only when DATABASE_URL is set, so the embedded database never loads
 * the driver (~60 ms of every start).
 */
import type { Attributes } from '@opentelemetry/api';
import pg from 'pg';
import { logger } from '../observability/logging/logger';
import { parseStatement } from '../observability/sql-statement';
import { startStatementSpan } from '../observability/tracing/trace';
import { describeError, StartupError } from '../startup-error';
import type { AppDb, Database } from './client';
import { HEARTBEAT_SQL, instrumentQuery, isWrite, refuseNewerSchema, startQueryTimer, withTimeout } from './instrument';
import * as schema from './schema';
import { MIGRATIONS_FOLDER } from './schema-version';
import { WriteHealth } from './write-health';

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

export async function openPostgres(
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
