/**
 * `npm run admin -- <command>`: owner commands that work without the web app.
 *
 *   reset-password <username>   sets the password — from ADMIN_PASSWORD for the admin account
 *                               (ADMIN_USERNAME) only, a newly generated one (printed) for any
 *                               other — and signs that account out everywhere.
 *
 *   backup                      writes a backup of the embedded database into DATA_DIR/backups.
 *   restore <file>              checks a backup, then puts it in place of the embedded database.
 *
 * Runs without a terminal (no prompts), against the database the server uses: the embedded one in
 * DATA_DIR, or PostgreSQL through DATABASE_URL. The embedded database can be opened by one process
 * only, so with it MediaNest must be stopped first.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { CacheCoherence } from '../cache/coherence';
import { loadConfig } from '../config';
import { backupsDir, pruneBackups, writeBackup } from '../db/backups';
import { openDatabase } from '../db/client';
import { embeddedDatabaseInUse, openEmbeddedClient } from '../db/embedded';
import { restoreBackup, RestoreError } from '../db/restore';
import { SessionStore } from '../features/auth/sessions';
import { generatePassword, newPasswordSchema } from '../features/auth/passwords';
import { AuthService, normaliseUsername } from '../features/auth/auth.service';
import { KnownDevices, loadDeviceKey } from '../features/auth/known-devices';
import { PasswordResets } from '../features/auth/password-resets';
import { UsersRepository } from '../features/users/users.repository';
import { createRateLimiter } from '../http/rate-limit';
import { createLogger, setLogger } from '../observability/logging/logger';
import { EventBus } from '../realtime/events';
import { startRealtimeBroadcaster } from '../realtime/socket';
import { connectRedis, type RedisConnection } from '../redis/client';
import { errorMessage } from '../errors';

const USAGE = `Usage: npm run admin -- reset-password <username> [--use-admin-password] [--force]
       npm run admin -- backup [--force]
       npm run admin -- restore <file> [--force]

  reset-password <username>  Sets the account's password, enables the account and signs it
                             out everywhere. The admin account (ADMIN_USERNAME) gets
                             ADMIN_PASSWORD when it is set; any other account gets a newly
                             generated password, printed once.
  --use-admin-password       Set ADMIN_PASSWORD on another account too (it must be set).
  backup                     Embedded database: writes a backup into DATA_DIR/backups (the
                             running server takes one every BACKUP_INTERVAL_HOURS by itself).
  restore <file>             Embedded database: checks the backup (it opens, holds MediaNest's
                             tables, is not newer than this version), then puts it in place; the
                             database it replaces is kept as DATA_DIR/db.before-restore-<time>.
                             PostgreSQL: use pg_dump and pg_restore (docs/backups.md).
  --force                    With the embedded database: go ahead although the database looks
                             open (only after a crash, when you are sure MediaNest is stopped).
`;

const FLAGS = new Set(['--force', '--use-admin-password', '--help']);

class CliError extends Error {}

/** The embedded database's data folder, checked to exist and not to be held by a running MediaNest. */
function stoppedEmbeddedDatabase(dataDir: string, force: boolean): string {
  const dir = path.join(dataDir, 'db');
  if (!fs.existsSync(dir)) {
    throw new CliError(`there is no embedded database in DATA_DIR (${dataDir}); set DATA_DIR (or DATABASE_URL) as for the server`);
  }
  const pidFile = embeddedDatabaseInUse(dataDir);
  if (pidFile && !force) {
    throw new CliError(
      `the embedded database in ${dataDir} is in use (${pidFile} exists): MediaNest is probably running. ` +
        `Stop it first, then run this again. If it is not running (it stopped uncleanly), add --force.`,
    );
  }
  return dir;
}

const POSTGRES_BACKUPS = 'with PostgreSQL (DATABASE_URL), back up with pg_dump and restore with pg_restore; see docs/backups.md';

async function backup(force: boolean): Promise<void> {
  const config = loadConfig(process.env);
  if (config.DATABASE_URL) throw new CliError(POSTGRES_BACKUPS);
  const dir = stoppedEmbeddedDatabase(config.dataDir, force);
  process.umask(0o077);
  const client = await openEmbeddedClient(dir);
  try {
    const taken = await writeBackup(backupsDir(config.dataDir), () => client.dumpDataDir('gzip'));
    const removed = pruneBackups(backupsDir(config.dataDir), config.BACKUP_KEEP);
    process.stdout.write(`Backed up the embedded database to ${taken.path} (${taken.sizeBytes} bytes).
`);
    if (removed.length > 0)
      process.stdout.write(`Removed ${removed.length} old backups (BACKUP_KEEP=${config.BACKUP_KEEP}).
`);
  } finally {
    await client.close();
  }
}

async function restore(file: string, force: boolean): Promise<void> {
  const config = loadConfig(process.env);
  if (config.DATABASE_URL) throw new CliError(POSTGRES_BACKUPS);
  process.umask(0o077);
  try {
    const result = await restoreBackup(file, config.dataDir, { force });
    const rows = Object.values(result.rows).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Restored ${file}: ${result.migrations} migrations, ${rows} rows in ${Object.keys(result.rows).length} tables.
` +
        (result.previous
          ? `The database it replaced is kept in ${result.previous}; delete it once MediaNest runs well.
`
          : ''),
    );
  } catch (err) {
    throw err instanceof RestoreError ? new CliError(err.message) : err;
  }
}

/** Waits (up to 5 s) for the connection; without it the command still works, running processes just hear nothing. */
async function redisReady(redis: RedisConnection): Promise<boolean> {
  if (redis.isReady()) return true;
  return once(redis.client, 'ready', { signal: AbortSignal.timeout(5_000) }).then(
    () => true,
    () => false,
  );
}

/**
 * ADMIN_PASSWORD, when it is meant for this account: compose files and Kubernetes keep it in the
 * environment for the first admin, so resetting a member's password must not hand them the owner's.
 */
function passwordFromEnvironment(username: string, adminUsername: string, useAdminPassword: boolean): string | undefined {
  const password = process.env.ADMIN_PASSWORD ? process.env.ADMIN_PASSWORD : undefined;
  if (useAdminPassword && password === undefined) throw new CliError('--use-admin-password needs ADMIN_PASSWORD in the environment');
  if (password === undefined || (!useAdminPassword && normaliseUsername(username) !== normaliseUsername(adminUsername))) return undefined;
  const checked = newPasswordSchema.safeParse(password);
  if (!checked.success) throw new CliError(`ADMIN_PASSWORD ${checked.error.issues[0]?.message ?? 'is not valid'}`);
  return password;
}

async function resetPassword(username: string, options: { force: boolean; useAdminPassword: boolean }): Promise<void> {
  const { force } = options;
  const config = loadConfig(process.env);
  const password = passwordFromEnvironment(username, config.ADMIN_USERNAME, options.useAdminPassword);
  if (!config.DATABASE_URL) stoppedEmbeddedDatabase(config.dataDir, force);

  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir, poolMax: 2 });
  // With Redis, running MediaNest processes hear about the revocation and close the account's open connections.
  const events = new EventBus();
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX }) : undefined;
  // A Socket.IO server without listener on the same Redis adapter as the running processes: closing the
  // account's connections reaches every replica.
  const realtime =
    redis && (await redisReady(redis)) ? startRealtimeBroadcaster({ events, redis, keyPrefix: config.REDIS_KEY_PREFIX }) : undefined;
  // With Redis, running processes also drop their cached sessions and user at once (cache/coherence.ts).
  const coherence = realtime ? new CacheCoherence(redis, config.REDIS_KEY_PREFIX) : undefined;
  try {
    const users = new UsersRepository(database, coherence);
    const user = await users.findByUsername(username);
    if (!user) throw new CliError(`there is no account named "${username}"`);
    const sessions = new SessionStore(database, config.SESSION_TTL_HOURS * 3600_000, undefined, events, coherence);
    const auth = new AuthService(
      users,
      sessions,
      createRateLimiter(),
      config.SESSION_TTL_HOURS * 3600_000,
      new KnownDevices(await loadDeviceKey(database)),
      new PasswordResets(database, config.PASSWORD_RESET_TTL_HOURS * 3600_000),
    );
    const plain = password ?? generatePassword();
    await auth.setPassword(user.id, plain);
    if (!user.enabled) await users.update(user.id, { enabled: true });
    process.stdout.write(
      password === undefined
        ? `Password of "${user.username}" reset. New password (shown only this once): ${plain}\n`
        : `Password of "${user.username}" set to ADMIN_PASSWORD.\n`,
    );
    process.stdout.write(`All sessions of "${user.username}" were signed out.\n`);
  } finally {
    // Sends what is queued (the revocation) before it closes.
    await realtime?.close();
    await redis?.close();
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  // Only this command's own output: log lines of the modules it uses go nowhere.
  setLogger(createLogger({ level: 'silent', version: 'cli', environment: 'cli' }));
  const args = argv.filter((a) => !a.startsWith('--'));
  const unknownFlag = argv.find((a) => a.startsWith('--') && !FLAGS.has(a));
  const force = argv.includes('--force');
  const [command, username] = args;
  if (command === 'reset-password' && username && args.length === 2 && !unknownFlag) {
    await resetPassword(username, { force, useAdminPassword: argv.includes('--use-admin-password') });
    return 0;
  }
  if (command === 'backup' && args.length === 1 && !unknownFlag) {
    await backup(force);
    return 0;
  }
  const file = username;
  if (command === 'restore' && file && args.length === 2 && !unknownFlag) {
    await restore(file, force);
    return 0;
  }
  if (command === undefined || command === 'help' || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`medianest admin: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
