/**
 * The restore drill, on the embedded database (what backups are for; the same in both projects):
 * write data, back up while MediaNest runs, destroy the database, restore, every row back and a
 * member still signed in. And what a restore refuses: a file that is no backup, a backup from a
 * newer MediaNest, a database still held by a running server.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { createContainer, type Container } from '../container';
import { createUser, loginCookie } from '../../test/auth-helpers';
import { ADMIN_PASSWORD, prepareTestEnv, type TestEnv } from '../../test/context';
import { registrySum } from '../../test/metrics-helpers';
import { backupsDir, listBackups, pruneBackups, writeBackup } from './backups';
import { restoreBackup } from './restore';

let testEnv: TestEnv | undefined;
let container: Container | undefined;

/** Stops this test's MediaNest (the database is closed, as after a shutdown). */
async function closeContainer(): Promise<void> {
  const open = container;
  container = undefined;
  await open?.close();
}

afterEach(async () => {
  await closeContainer();
  await testEnv?.cleanup();
  testEnv = undefined;
});

/** Starts MediaNest's container on this test's DATA_DIR (the first start creates the admin). */
async function open(env: Record<string, string>) {
  const started = await createContainer(loadConfig(env));
  container = started;
  await started.auth.ensureAdmin('admin', ADMIN_PASSWORD);
  return buildApp(started);
}

/** Every row of every table, as text, table by table (what "every row back" is compared on). */
async function everyRow(c: Container): Promise<Record<string, string[]>> {
  const query = async <Row>(text: string): Promise<Row[]> => {
    const result: unknown = await c.database.db.execute(sql.raw(text));
    return (result as { rows: Row[] }).rows;
  };
  const tables = await query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname IN ('public', 'drizzle') ORDER BY tablename",
  );
  const result: Record<string, string[]> = {};
  for (const { name } of tables) {
    const schema = name === '__drizzle_migrations' ? 'drizzle' : 'public';
    const rows = await query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${name}" t ORDER BY 1`);
    result[name] = rows.map((r) => r.row);
  }
  return result;
}

// Each test opens PGlite two or three times: seconds each, more on a busy machine.
describe('backups of the embedded database', () => {
  it('restore drill: backed up while running, destroyed, restored — every row back, members still signed in', async () => {
    testEnv = await prepareTestEnv({}, 'embedded');
    let app = await open(testEnv.env);
    const member = await createUser(app, container!, 'drill-member');
    const adminCookie = await loginCookie(app);
    // Rows of several features, written the way the app writes them.
    const monitored = await request(app)
      .post('/api/v1/admin/services')
      .set('Cookie', adminCookie)
      .send({ name: 'NAS', url: 'http://127.0.0.1:9/' });
    expect(monitored.status).toBeLessThan(300);
    const before = await everyRow(container!);
    expect(before.users!.length).toBeGreaterThanOrEqual(2);
    expect(before.sessions!.length).toBeGreaterThanOrEqual(2);

    // Not in the server's first minutes (a start is not slowed by a dump)...
    await container!.backups.runScheduled();
    expect(listBackups(backupsDir(testEnv.dataDir))).toEqual([]);
    // ...then the background job's work, while the server has the database open and answers requests.
    await container!.backups.runIfDue();
    const [taken] = listBackups(backupsDir(testEnv.dataDir));
    expect(taken).toBeDefined();
    expect(fs.statSync(taken!.path).mode & 0o777).toBe(0o600);
    expect(await registrySum('medianest_backup_last_success_timestamp_seconds', { database: 'embedded' })).toBe(
      taken!.takenAt.getTime() / 1000,
    );
    const ops = await request(app).get('/api/v1/admin/observability').set('Cookie', adminCookie);
    expect(ops.status, JSON.stringify(ops.body).slice(0, 300)).toBe(200);
    expect(ops.body.backups).toMatchObject({ mode: 'automatic', intervalHours: 24, keep: 7, count: 1 });
    expect(ops.body.backups.latest).toMatchObject({ file: taken!.name, sizeBytes: taken!.sizeBytes });
    // Not due again within the interval.
    await container!.backups.runIfDue();
    expect(listBackups(backupsDir(testEnv.dataDir))).toHaveLength(1);

    await closeContainer();
    fs.rmSync(path.join(testEnv.dataDir, 'db'), { recursive: true, force: true });

    const restored = await restoreBackup(taken!.path, testEnv.dataDir);
    expect(restored.previous).toBeUndefined();
    expect(restored.rows.users).toBe(before.users!.length);

    app = await open(testEnv.env);
    expect(await everyRow(container!)).toEqual(before);
    const session = await request(app).get('/api/v1/auth/session').set('Cookie', member.cookie);
    expect(session.status).toBe(200);
    expect(session.body.user.username).toBe('drill-member');
  }, 180_000);

  it('keeps the newest BACKUP_KEEP backups, owner-only, and never leaves a partial file behind', async () => {
    testEnv = await prepareTestEnv({}, 'embedded');
    const dir = backupsDir(testEnv.dataDir);
    for (let day = 1; day <= 4; day++) {
      await writeBackup(dir, async () => new Blob([`backup ${day}`]), new Date(Date.UTC(2026, 0, day)));
    }
    fs.writeFileSync(path.join(dir, 'medianest-2026-01-05T00-00-00-000Z.tar.gz.partial'), 'interrupted');
    expect(pruneBackups(dir, 2)).toHaveLength(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['medianest-2026-01-03T00-00-00-000Z.tar.gz', 'medianest-2026-01-04T00-00-00-000Z.tar.gz']);
    const failing = writeBackup(dir, () => Promise.reject(new Error('dump failed')));
    await expect(failing).rejects.toThrow('dump failed');
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('refuses a file that is no backup, and one from a newer MediaNest, leaving the database as it was', async () => {
    testEnv = await prepareTestEnv({}, 'embedded');
    await open(testEnv.env);
    // A backup whose database has one migration more than this build knows.
    await container!.database.db.execute(
      sql.raw("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('f00dfeedcafe', 4102444800000)"),
    );
    await container!.backups.runIfDue();
    const [newer] = listBackups(backupsDir(testEnv.dataDir));
    await container!.database.db.execute(sql.raw("DELETE FROM drizzle.__drizzle_migrations WHERE hash = 'f00dfeedcafe'"));
    const rowsBefore = await everyRow(container!);
    await closeContainer();

    await expect(restoreBackup(newer!.path, testEnv.dataDir)).rejects.toThrow(
      /written by a newer MediaNest \(\d+ migrations, last #\d{4} \(f00dfeed\)\) than this one \(\d+ migrations/,
    );
    const junk = path.join(testEnv.dataDir, 'not-a-backup.tar.gz');
    fs.writeFileSync(junk, 'these are not the bytes of a tar file');
    await expect(restoreBackup(junk, testEnv.dataDir)).rejects.toThrow(/is not a backup of the embedded database/);
    expect(fs.readdirSync(testEnv.dataDir).filter((n) => n.startsWith('.restore-') || n.startsWith('db.before-'))).toEqual([]);

    await open(testEnv.env);
    expect(await everyRow(container!)).toEqual(rowsBefore);
  }, 180_000);

  it('refuses to restore while MediaNest holds the database, and the server refuses a database newer than itself', async () => {
    testEnv = await prepareTestEnv({}, 'embedded');
    await open(testEnv.env);
    await container!.backups.runIfDue();
    const [taken] = listBackups(backupsDir(testEnv.dataDir));
    await expect(restoreBackup(taken!.path, testEnv.dataDir)).rejects.toThrow(/is in use .*MediaNest is probably running/);

    await container!.database.db.execute(
      sql.raw("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('f00dfeedcafe', 4102444800000)"),
    );
    await closeContainer();
    await expect(open(testEnv.env)).rejects.toThrow(
      /^DATA_DIR: .*the database was written by a newer MediaNest \(\d+ migrations, last #\d{4} \(f00dfeed\)\) than this one/,
    );
  }, 120_000);
});
