/**
 * Which schema a database has, next to the one this build knows. The version
 * of a schema is its list of applied migrations (Drizzle records each one's
 * SQL hash and its journal time in `drizzle.__drizzle_migrations`). A database
 * written by a newer MediaNest has migrations this build does not know: it is
 * refused before anything runs against it (Drizzle's migrator would otherwise
 * skip them silently and the code would read tables it does not understand).
 */
import path from 'node:path';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { BACKEND_DIR } from '../paths';

/** backend/drizzle: the SQL migrations, applied at start-up (from src/db and from dist/db alike). */
export const MIGRATIONS_FOLDER = path.join(BACKEND_DIR, 'drizzle');

export interface AppliedMigration {
  hash: string;
  createdAt: number;
}

/** The query that lists a database's applied migrations (empty result: a new database). */
export const APPLIED_MIGRATIONS_SQL = 'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at, id';
/** Whether the migrations table exists (a database no MediaNest has migrated yet has none). */
export const HAS_MIGRATIONS_TABLE_SQL = "SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present";

let codeMigrations: MigrationMeta[] | undefined;
/** The migrations shipped with this build, oldest first. */
export function knownMigrations(): MigrationMeta[] {
  codeMigrations ??= readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  return codeMigrations;
}

/** `8 migrations, last 0007 (1a2b3c4d)`: a schema version as a person compares it. */
export function describeSchema(count: number, lastHash: string | undefined): string {
  if (count === 0) return 'no migrations';
  const last = lastHash ? ` (${lastHash.slice(0, 8)})` : '';
  return `${count} migration${count === 1 ? '' : 's'}, last #${String(count - 1).padStart(4, '0')}${last}`;
}

/** This build's schema version, described. */
export function codeSchema(known = knownMigrations()): string {
  return describeSchema(known.length, known.at(-1)?.hash);
}

/**
 * Undefined when this build can run on a database with these applied migrations (the same ones, or
 * fewer that it will complete); otherwise one sentence naming both versions.
 */
export function schemaMismatch(applied: readonly AppliedMigration[], known = knownMigrations()): string | undefined {
  // Drizzle applies every known migration whose journal time is later than the last applied one, so
  // a database is newer when it has more migrations, or one later than this build's last.
  const lastKnown = known.at(-1)?.folderMillis ?? -Infinity;
  const newer = applied.length > known.length || applied.some((m) => m.createdAt > lastKnown);
  if (!newer) return undefined;
  const database = describeSchema(applied.length, applied.at(-1)?.hash);
  return `the database was written by a newer MediaNest (${database}) than this one (${codeSchema(known)}); run that version, or restore a backup taken before the upgrade`;
}

/** Reads the applied migrations through any client that runs one SQL string and returns rows. */
export async function readAppliedMigrations(
  query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>,
): Promise<AppliedMigration[]> {
  const table = await query(HAS_MIGRATIONS_TABLE_SQL);
  if (table.rows[0]?.present !== true) return [];
  const rows = await query(APPLIED_MIGRATIONS_SQL);
  return rows.rows.map((r) => ({ hash: String(r.hash), createdAt: Number(r.created_at) }));
}
