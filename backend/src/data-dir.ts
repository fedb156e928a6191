/**
 * DATA_DIR holds the embedded database (with the admin's password hash),
 * generated secrets and the log files: it is private to the account that runs
 * MediaNest. At start the directory is created (or found) writable, made 0700,
 * and everything in it tightened to owner-only (files 0600, directories 0700),
 * which also fixes installs made before this rule. New files are created
 * owner-only through the process umask. A directory that cannot be written is
 * one line naming the setting and the cause.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-error';
import { errorMessage } from './errors';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : errorMessage(err);
}

/** Creates `dir` if needed and proves it writable by writing and removing a file; throws a StartupError otherwise. */
function ensureWritableDir(setting: string, dir: string): void {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    fs.writeFileSync(probe, '', { mode: PRIVATE_FILE_MODE });
    fs.unlinkSync(probe);
  } catch (err) {
    throw new StartupError(setting, `${dir} is not writable (${errorCode(err)})`);
  }
}

/**
 * Removes group and other permissions from `root` and everything below it (symbolic links are not
 * followed). Returns how many entries were changed.
 */
export function restrictToOwner(root: string): number {
  let changed = 0;
  const visit = (p: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch {
      return; // removed meanwhile
    }
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) {
      try {
        fs.chmodSync(p, stat.isDirectory() ? PRIVATE_DIR_MODE : stat.mode & PRIVATE_FILE_MODE);
        changed++;
      } catch {
        // not ours to change (another owner): left as it is
      }
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    }
  };
  visit(root);
  return changed;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Prepares DATA_DIR (and a LOG_DIR outside it) before anything writes there. Returns how many
 * existing entries had their permissions tightened, for the start-up log.
 */
export function prepareDataDir(config: { dataDir: string; logDir: string }): { tightened: number } {
  // Files this process creates from now on (logs, keys, database files) are owner-only.
  process.umask(0o077);
  ensureWritableDir('DATA_DIR', config.dataDir);
  const tightened = restrictToOwner(config.dataDir);
  // A LOG_DIR elsewhere is the operator's choice (a log shipper may read it): checked, not chmodded.
  if (!isInside(config.logDir, config.dataDir)) ensureWritableDir('LOG_DIR', config.logDir);
  return { tightened };
}
