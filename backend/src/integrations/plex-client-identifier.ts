/**
 * MediaNest's X-Plex-Client-Identifier: PLEX_CLIENT_IDENTIFIER when set,
 * otherwise a UUID generated once and kept in the `settings` table, so
 * plex.tv sees the same device across restarts and replicas.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { settings } from '../db/schema';

export const CLIENT_IDENTIFIER_SETTING = 'plex.client_identifier';

export async function resolvePlexClientIdentifier(database: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  // Insert-if-absent, then read: two replicas starting together agree on one value.
  await database.db.insert(settings).values({ key: CLIENT_IDENTIFIER_SETTING, value: randomUUID() }).onConflictDoNothing();
  const [row] = await database.db.select().from(settings).where(eq(settings.key, CLIENT_IDENTIFIER_SETTING)).limit(1);
  if (!row) throw new Error('could not store the Plex client identifier');
  return row.value;
}
