/**
 * Writes that fail while reads go on — a full disk, a read-only database —
 * made for real: the embedded database on a small tmpfs that is filled up,
 * PostgreSQL with `default_transaction_read_only` on the test's own database.
 * A member's change answers 503 saying why; readiness reports the database
 * degraded with the reason; medianest_database_writable is 0; and all of it
 * clears by itself once writes succeed again.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, TEST_PG_URL, testMode, type TestServer } from '../../test/context';
import { classifyWriteFailure } from './write-health';

async function login(server: TestServer): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
}

async function readiness(server: TestServer) {
  const res = await fetch(`${server.baseUrl}/health/ready`);
  return {
    httpStatus: res.status,
    body: (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> },
  };
}

async function writableGauge(server: TestServer): Promise<number> {
  const text = await (await fetch(server.metricsUrl!)).text();
  const m = /^medianest_database_writable (\d+)/m.exec(text);
  if (!m) throw new Error('medianest_database_writable is not exposed');
  return Number(m[1]);
}

/** What an operator sees while writes fail, for a reason matching `reason`. */
async function expectDegraded(server: TestServer, reason: RegExp): Promise<void> {
  const res = await login(server);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('30');
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
  expect(body.error.message).toMatch(reason);

  const ready = await readiness(server);
  expect(ready.httpStatus).toBe(200); // reads still work: degraded, not unavailable
  expect(ready.body.status).toBe('degraded');
  expect(ready.body.checks.database!.status).toBe('degraded');
  expect(ready.body.checks.database!.error).toMatch(reason);
  expect(await writableGauge(server)).toBe(0);
}

async function expectRecovered(server: TestServer): Promise<void> {
  // No request and no restart needed: the heartbeat write clears it.
  await vi.waitFor(async () => expect((await readiness(server)).body.checks.database!.status).toBe('up'), {
    timeout: 15_000,
    interval: 100,
  });
  expect((await readiness(server)).body.status).toBe('ok');
  expect(await writableGauge(server)).toBe(1);
  expect((await login(server)).status).toBe(200);
}

describe('recognising write failures', () => {
  it.each([
    [{ code: 'ENOSPC', message: 'ENOSPC: no space left on device, write' }, 'disk_full'],
    [{ code: '53100', message: 'could not extend file "base/5/16384": No space left on device' }, 'disk_full'],
    [{ code: 'EROFS', message: 'EROFS: read-only file system, open' }, 'read_only'],
    [{ code: '25006', message: 'cannot execute INSERT in a read-only transaction' }, 'read_only'],
    [new Error('Failed query: insert into "sessions"', { cause: Object.assign(new Error('disk full'), { code: '53100' }) }), 'disk_full'],
  ])('%o is %s', (err, reason) => {
    expect(classifyWriteFailure(err)?.reason).toBe(reason);
  });

  it.each([[new Error('connection refused')], [{ code: '23505', message: 'duplicate key value' }], ['text']])('%o is not', (err) => {
    expect(classifyWriteFailure(err)).toBeUndefined();
  });
});

if (testMode === 'embedded') {
  describe('embedded database on a full disk (a real tmpfs filled up)', () => {
    let base: string;
    let mountPoint: string;
    let server: TestServer;
    const filler = () => path.join(mountPoint, 'filler');

    beforeAll(async () => {
      base = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-full-disk-'));
      mountPoint = path.join(base, 'disk');
      fs.mkdirSync(mountPoint);
      // Room for the database and a little more; needs root (as in CI).
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint]);
      const dataDir = path.join(mountPoint, 'data');
      fs.cpSync(path.join(inject('pgliteTemplate'), 'db'), path.join(dataDir, 'db'), { recursive: true });
      server = await startTestServer({ DATA_DIR: dataDir, HEALTH_PROBE_INTERVAL_MS: '100' }, 'embedded');
    });

    afterAll(async () => {
      await server?.cleanup();
      if (mountPoint) execFileSync('umount', [mountPoint]);
      fs.rmSync(base, { recursive: true, force: true });
    });

    it('answers 503, reports the database degraded, and recovers by itself once space is freed', async () => {
      expect((await readiness(server)).body.checks.database!.status).toBe('up');
      expect(await writableGauge(server)).toBe(1);

      const fd = fs.openSync(filler(), 'w');
      try {
        const chunk = Buffer.alloc(1 << 20);
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      await expectDegraded(server, /disk is full/);
      // A heartbeat while the disk is still full does not pretend it is fixed.
      await server.container.database.writes.retry();
      expect((await readiness(server)).body.checks.database!.status).toBe('degraded');

      fs.rmSync(filler());
      await expectRecovered(server);
    });
  });
}

if (testMode === 'services') {
  describe('PostgreSQL that turns read-only (default_transaction_read_only on the test database)', () => {
    let server: TestServer;
    let admin: pg.Client;
    let dbName: string;

    /** Applies a database setting to new sessions and ends the pool's current ones, so it takes effect. */
    async function setReadOnly(on: boolean): Promise<void> {
      await admin.query(
        `ALTER DATABASE "${dbName}" ${on ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`,
      );
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      await vi.waitFor(() => server.container.database.ping(1000), { timeout: 10_000, interval: 100 });
    }

    beforeAll(async () => {
      server = await startTestServer({ HEALTH_PROBE_INTERVAL_MS: '100' }, 'services');
      dbName = new URL(server.config.DATABASE_URL!).pathname.slice(1);
      admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
    });

    afterAll(async () => {
      if (admin) {
        await admin.query(`ALTER DATABASE "${dbName}" RESET default_transaction_read_only`).catch(() => undefined);
        await admin.end();
      }
      await server?.cleanup();
    });

    it('answers 503, reports the database degraded, and recovers by itself once writes are allowed again', async () => {
      expect((await login(server)).status).toBe(200);
      await setReadOnly(true);
      await expectDegraded(server, /read-only/);
      await server.container.database.writes.retry();
      expect((await readiness(server)).body.checks.database!.status).toBe('degraded');

      await setReadOnly(false);
      await expectRecovered(server);
    });
  });
}
