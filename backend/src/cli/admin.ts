/**
 * `npm run admin -- <command>`: owner commands that work without the web app.
 *
 *   reset-password <username>   sets the password — from ADMIN_PASSWORD for the admin account
 *                               (ADMIN_USERNAME) only, a newly generated one (printed) for any
 *                               other — and signs that account out everywhere.
 *
 * Runs without a terminal (no prompts), against the database the server uses: the embedded one in
 * DATA_DIR, or PostgreSQL through DATABASE_URL. The embedded database can be opened by one process
 * only, so with it MediaNest must be stopped first.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { CacheCoherence } from '../cache/coherence';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/client';
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

const USAGE = `Usage: npm run admin -- reset-password <username> [--use-admin-password] [--force]

  reset-password <username>  Sets the account's password, enables the account and signs it
                             out everywhere. The admin account (ADMIN_USERNAME) gets
                             ADMIN_PASSWORD when it is set; any other account gets a newly
                             generated password, printed once.
  --use-admin-password       Set ADMIN_PASSWORD on another account too (it must be set).
  --force                    With the embedded database: go ahead although the database looks
                             open (only after a crash, when you are sure MediaNest is stopped).
`;

const FLAGS = new Set(['--force', '--use-admin-password', '--help']);

class CliError extends Error {}

/** PGlite keeps this file while a process has the embedded database open. */
function embeddedDatabaseInUse(dataDir: string): string | undefined {
  const pidFile = path.join(dataDir, 'db', 'postmaster.pid');
  return fs.existsSync(pidFile) ? pidFile : undefined;
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
  if (!config.DATABASE_URL) {
    if (!fs.existsSync(path.join(config.dataDir, 'db'))) {
      throw new CliError(`there is no embedded database in DATA_DIR (${config.dataDir}); set DATA_DIR (or DATABASE_URL) as for the server`);
    }
    const pidFile = embeddedDatabaseInUse(config.dataDir);
    if (pidFile && !force) {
      throw new CliError(
        `the embedded database in ${config.dataDir} is in use (${pidFile} exists): MediaNest is probably running. ` +
          `Stop it first, then run this again. If it is not running (it stopped uncleanly), add --force.`,
      );
    }
  }

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
  const [command, username] = args;
  if (command === 'reset-password' && username && args.length === 2 && !unknownFlag) {
    await resetPassword(username, { force: argv.includes('--force'), useAdminPassword: argv.includes('--use-admin-password') });
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
    const message = err instanceof CliError || err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`medianest admin: ${message}\n`);
    process.exit(1);
  },
);
