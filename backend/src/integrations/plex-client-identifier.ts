/**
 * MediaNest's X-Plex-Client-Identifier: PLEX_CLIENT_IDENTIFIER when set,
 * otherwise a UUID generated once and kept in the `settings` table, so
 * plex.tv sees the same device across restarts and replicas.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import { SettingsRepository } from '../db/settings.repository';

export const CLIENT_IDENTIFIER_SETTING = 'plex.client_identifier';

export async function resolvePlexClientIdentifier(database: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  // Insert-if-absent, then read: two replicas starting together agree on one value.
  return new SettingsRepository(database).getOrCreate(CLIENT_IDENTIFIER_SETTING, randomUUID());
}
