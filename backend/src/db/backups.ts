/**
 * Backups of the embedded database: files `medianest-<time>.tar.gz` in
 * DATA_DIR/backups, each one PGlite's `dumpDataDir()` — a gzipped tar of the
 * whole data folder taken while no query runs (PGlite holds its query lock for
 * the copy), so it is consistent: what a crash at that instant would leave,
 * which PostgreSQL opens like any cleanly stopped database. Files are written
 * owner-only (0600) under a temporary name and renamed when complete, so a
 * backup interrupted by a crash or a full disk never looks like a good one.
 *
 * The running server takes one when the newest is older than
 * BACKUP_INTERVAL_HOURS (checked at start and every hour, so restarts neither
 * skip nor repeat a day) and keeps the newest BACKUP_KEEP. PostgreSQL
 * deployments back up with pg_dump instead (docs/backups.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../data-dir';

const PREFIX = 'medianest-';
const SUFFIX = '.tar.gz';
/** How often the server checks whether a backup is due (at most; shorter when the interval is). */
export const BACKUP_CHECK_EVERY_MS = 3600_000;

export interface BackupFile {
  name: string;
  path: string;
  sizeBytes: number;
  takenAt: Date;
}

export function backupsDir(dataDir: string): string {
  return path.join(dataDir, 'backups');
}

/** `medianest-2026-12-06T06-42-45-123Z.tar.gz`: sorts by time, no colons (portable file names). */
function backupName(at: Date): string {
  return `${PREFIX}${at.toISOString().replace(/[:.]/g, '-')}${SUFFIX}`;
}

const NAME = /^medianest-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.tar\.gz$/;

/** When a backup was taken, from its name (undefined: not a backup's name). */
function takenAt(name: string): Date | undefined {
  const m = NAME.exec(name);
  return m ? new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : undefined;
}

/** The backups in `dir`, newest first (empty when there is none or no folder yet). */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      // The name carries the time the backup was taken (a copied file keeps it; its mtime may not).
      const at = takenAt(name);
      if (!at) return [];
      const full = path.join(dir, name);
      try {
        const stat = fs.statSync(full);
        return stat.isFile() ? [{ name, path: full, sizeBytes: stat.size, takenAt: at }] : [];
      } catch {
        return []; // removed meanwhile
      }
    })
    .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
}

/** Writes one backup from `dump` (the gzipped tar) into `dir`: temporary name, fsync, rename. */
export async function writeBackup(dir: string, dump: () => Promise<Blob>, at = new Date()): Promise<BackupFile> {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const bytes = new Uint8Array(await (await dump()).arrayBuffer());
  const final = path.join(dir, backupName(at));
  const partial = `${final}.partial`;
  const handle = await fs.promises.open(partial, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.promises.rm(partial, { force: true });
    throw err;
  }
  await handle.close();
  await fs.promises.rename(partial, final);
  return { name: path.basename(final), path: final, sizeBytes: bytes.byteLength, takenAt: at };
}

/** Deletes all but the newest `keep` backups (and leftovers of interrupted ones); returns the names removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const removed: string[] = [];
  for (const old of listBackups(dir).slice(keep)) {
    fs.rmSync(old.path, { force: true });
    removed.push(old.name);
  }
  try {
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(PREFIX) && name.endsWith(`${SUFFIX}.partial`)) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // no folder yet
  }
  return removed;
}

export interface ScheduledBackups {
  dir: string;
  intervalMs: number;
  keep: number;
  /** The embedded database's consistent copy (Database.dumpEmbedded). */
  dump: () => Promise<Blob>;
}

/** Takes a backup when the newest is older than the interval (or there is none), then prunes. */
export async function backupIfDue(
  schedule: ScheduledBackups,
  now = new Date(),
): Promise<{ taken?: BackupFile; removed: string[]; latest?: BackupFile }> {
  const latest = listBackups(schedule.dir)[0];
  if (latest && now.getTime() - latest.takenAt.getTime() < schedule.intervalMs) return { removed: [], latest };
  const taken = await writeBackup(schedule.dir, schedule.dump, now);
  return { taken, latest: taken, removed: pruneBackups(schedule.dir, schedule.keep) };
}
