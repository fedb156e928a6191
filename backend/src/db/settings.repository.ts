/**
 * The `settings` table: small values MediaNest generates once and every
 * replica shares (the device-cookie signing key, the Plex client identifier,
 * the Web Push key pair).
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from './client';
import { settings } from './schema';

export class SettingsRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async get(key: string): Promise<string | undefined> {
    const [row] = await this.db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).limit(1);
    return row?.value;
  }

  /** Stores `value` unless the key exists; returns what is stored (the first writer wins a race). */
  async getOrCreate(key: string, value: string): Promise<string> {
    await this.db.insert(settings).values({ key, value }).onConflictDoNothing();
    const stored = await this.get(key);
    if (stored === undefined) throw new Error(`could not store the setting ${key}`);
    return stored;
  }

  /** Replaces the value only if it is still `expected`; returns what is stored afterwards (another writer may have won). */
  async replace(key: string, expected: string, value: string): Promise<string> {
    await this.db
      .update(settings)
      .set({ value, updatedAt: new Date() })
      .where(and(eq(settings.key, key), eq(settings.value, expected)));
    return (await this.get(key))!;
  }

  /** Stores `value` under `key`, replacing what was there. */
  async set(key: string, value: string): Promise<void> {
    await this.db
      .insert(settings)
      .values({ key, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
  }
}
