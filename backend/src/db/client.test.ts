import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureLogs, registrySum } from '../../test/metrics-helpers';
import { createTestApp, testMode, type TestApp } from '../../test/context';
import type { Database } from './client';
import { sessions, users } from './schema';

const QUERIES = 'medianest_database_query_duration_seconds';
const count = (labels: Record<string, string>) => registrySum(QUERIES, labels, `${QUERIES}_count`);

let t: TestApp;
let database: Database;
beforeAll(async () => {
  t = await createTestApp();
  database = t.container.database;
});
afterAll(() => t?.cleanup());

describe(`database query metrics (${testMode}: ${testMode === 'services' ? 'PostgreSQL pool' : 'PGlite'})`, () => {
  it('opens the database the test mode asks for', () => {
    expect(database.kind).toBe(testMode === 'services' ? 'postgres' : 'pglite');
  });

  it('observes every Drizzle query by operation and table', async () => {
    const before = {
      insert: await count({ operation: 'insert', table: 'users', status: 'success' }),
      select: await count({ operation: 'select', table: 'users', status: 'success' }),
      update: await count({ operation: 'update', table: 'users', status: 'success' }),
      delete: await count({ operation: 'delete', table: 'users', status: 'success' }),
    };
    const id = randomUUID();
    await database.db.insert(users).values({ id, username: `metrics-${id}` });
    await database.db.select().from(users).where(eq(users.id, id));
    await database.db.select().from(users).where(eq(users.id, id));
    await database.db.update(users).set({ email: 'x@example.com' }).where(eq(users.id, id));
    await database.db.delete(users).where(eq(users.id, id));

    expect(await count({ operation: 'insert', table: 'users', status: 'success' })).toBe(before.insert + 1);
    expect(await count({ operation: 'select', table: 'users', status: 'success' })).toBe(before.select + 2);
    expect(await count({ operation: 'update', table: 'users', status: 'success' })).toBe(before.update + 1);
    expect(await count({ operation: 'delete', table: 'users', status: 'success' })).toBe(before.delete + 1);
  });

  it('observes failing queries with status "error"', async () => {
    const id = randomUUID();
    await database.db.insert(users).values({ id, username: `dup-${id}` });
    const errorsBefore = await count({ operation: 'insert', table: 'users', status: 'error' });
    await expect(database.db.insert(users).values({ id, username: `dup2-${id}` })).rejects.toThrow();
    expect(await count({ operation: 'insert', table: 'users', status: 'error' })).toBe(errorsBefore + 1);
  });

  it('observes queries inside transactions', async () => {
    const before = await count({ operation: 'insert', table: 'sessions', status: 'success' });
    const userId = randomUUID();
    await database.db.transaction(async (tx) => {
      await tx.insert(users).values({ id: userId, username: `tx-${userId}` });
      await tx.insert(sessions).values({ id: randomUUID(), userId, expiresAt: new Date(Date.now() + 60_000) });
    });
    expect(await count({ operation: 'insert', table: 'sessions', status: 'success' })).toBe(before + 1);
  });

  it('observes the readiness ping', async () => {
    const before = await count({ operation: 'select', table: 'none', status: 'success' });
    await database.ping(2000);
    expect(await count({ operation: 'select', table: 'none', status: 'success' })).toBe(before + 1);
  });

  it('logs a slow query (≥ 1 s) with its shape only, never the values', async () => {
    const log = captureLogs('info');
    try {
      const secret = `secret-${randomUUID()}`;
      const result = await database.db.execute(sql`select pg_sleep(${1.1}), ${secret} as "value", 'literal-secret' as "other"`);
      expect((result as { rows: unknown[] }).rows[0]).toMatchObject({ value: secret });

      const slowLines = log.lines.filter((l) => l.event === 'database.query.slow');
      expect(slowLines).toHaveLength(1);
      expect(slowLines[0]).toMatchObject({
        level: 'warn',
        operation: 'select',
        table: 'none',
        status: 'success',
        statement: 'select pg_sleep($1), $2 as "value", ? as "other"',
      });
      expect(slowLines[0]!.duration_ms).toBeGreaterThanOrEqual(1000);
      expect(log.text()).not.toContain(secret);
      expect(log.text()).not.toContain('literal-secret');
    } finally {
      log.restore();
    }
  });

  it(
    testMode === 'services'
      ? 'reports a pool connection busy with a query as active, and none once it is done'
      : 'reports no active connection while the embedded database is idle',
    async () => {
      const active = () => registrySum('medianest_database_connections_active');
      if (testMode === 'services') {
        // Drizzle queries are lazy: Promise.resolve starts this one now.
        const running = Promise.resolve(database.db.execute(sql`select pg_sleep(0.5)`));
        await vi.waitFor(async () => expect(await active()).toBeGreaterThanOrEqual(1), { timeout: 2000, interval: 10 });
        await running;
      } else {
        // PGlite runs a query synchronously inside the process, so "busy" cannot be observed from outside it.
        await database.db.select().from(users).limit(1);
      }
      await vi.waitFor(async () => expect(await active()).toBe(0), { timeout: 2000 });
    },
  );

  it('does not log fast queries', async () => {
    const log = captureLogs('info');
    try {
      await database.db.select().from(users).limit(1);
      expect(log.lines.filter((l) => l.event === 'database.query.slow')).toEqual([]);
    } finally {
      log.restore();
    }
  });
});
