/**
 * Restoring the embedded database from a backup (`npm run admin -- restore
 * <file>`). The backup is checked before anything is replaced: it is unpacked
 * into a scratch folder beside the database and opened there, it must hold a
 * MediaNest database (the migrations table) no newer than this build, and it
 * must answer a query on every table. Only then is the current database moved
 * aside (`db.before-restore-<time>`, kept until the owner deletes it) and the
 * checked copy renamed into its place, so a bad backup or a crash half-way
 * never leaves DATA_DIR without a working database. The running server holds
 * the database (PGlite's postmaster.pid), so restore refuses while it exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { restrictToOwner } from '../data-dir';
import { embeddedDatabaseInUse, openEmbeddedFromBackup } from './embedded';
import { readAppliedMigrations, schemaMismatch } from './schema-version';
import { errorMessage } from '../errors';

export class RestoreError extends Error {}

export interface CheckedBackup {
  migrations: number;
  /** Rows per table in the backup (what the owner compares with what they expect). */
  rows: Record<string, number>;
}

/** Unpacks `file` into `scratch` and checks it there; the folder is left with the checked database. */
export async function checkBackup(file: string, scratch: string): Promise<CheckedBackup> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new RestoreError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  let client: Awaited<ReturnType<typeof openEmbeddedFromBackup>>;
  try {
    client = await openEmbeddedFromBackup(scratch, new Blob([new Uint8Array(bytes)]));
  } catch (err) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new RestoreError(`${file} is not a backup of the embedded database (${errorMessage(err)})`);
  }
  try {
    const applied = await readAppliedMigrations((sql) => client.query(sql));
    if (applied.length === 0) throw new RestoreError(`${file} holds no MediaNest database (no applied migrations)`);
    const mismatch = schemaMismatch(applied);
    if (mismatch) throw new RestoreError(`${file}: ${mismatch}`);
    const tables = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const rows: Record<string, number> = {};
    for (const { name } of tables.rows) {
      const counted = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name.replace(/"/g, '""')}"`);
      rows[name] = counted.rows[0]?.n ?? 0;
    }
    return { migrations: applied.length, rows };
  } catch (err) {
    await client.close().catch(() => undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
    throw err instanceof RestoreError ? err : new RestoreError(`${file} cannot be read as a database: ${String(err)}`);
  } finally {
    if (!client.closed) await client.close();
  }
}

export interface RestoreResult extends CheckedBackup {
  /** Where the database that was replaced now is (undefined when there was none). */
  previous?: string;
}

/** Replaces DATA_DIR/db with the checked contents of `file`. */
export async function restoreBackup(file: string, dataDir: string, options: { force?: boolean; now?: Date } = {}): Promise<RestoreResult> {
  const pidFile = embeddedDatabaseInUse(dataDir);
  if (pidFile && !options.force) {
    throw new RestoreError(
      `the embedded database in ${dataDir} is in use (${pidFile} exists): MediaNest is probably running. ` +
        `Stop it first, then run this again. If it is not running (it stopped uncleanly), add --force.`,
    );
  }
  const dbDir = path.join(dataDir, 'db');
  const scratch = path.join(dataDir, `.restore-${process.pid}`);
  const checked = await checkBackup(path.resolve(file), scratch);
  restrictToOwner(scratch);
  let previous: string | undefined;
  if (fs.existsSync(dbDir)) {
    previous = path.join(dataDir, `db.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`);
    fs.renameSync(dbDir, previous);
  }
  fs.renameSync(scratch, dbDir);
  return { ...checked, previous };
}
