/** The `plex_tokens` table: one sealed Plex token per member, with the Plex account it was issued for. */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { plexTokens, users } from '../../db/schema';

export class PlexTokensRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  /** Stores the member's sealed token (replacing the previous one; the opt-in stays). */
  async save(userId: string, plexId: string, sealed: string): Promise<void> {
    await this.db
      .insert(plexTokens)
      .values({ userId, plexId, token: sealed })
      .onConflictDoUpdate({ target: plexTokens.userId, set: { plexId, token: sealed, updatedAt: new Date() } });
  }

  /** The member's stored token, with the Plex account it was issued for and the one the member has now. */
  async find(userId: string): Promise<{ plexId: string; token: string; autoRequest: boolean; current: string | null } | undefined> {
    const [row] = await this.db
      .select({ plexId: plexTokens.plexId, token: plexTokens.token, autoRequest: plexTokens.autoRequest, current: users.plexId })
      .from(plexTokens)
      .innerJoin(users, eq(users.id, plexTokens.userId))
      .where(eq(plexTokens.userId, userId))
      .limit(1);
    return row;
  }

  /** Sealed tokens of enabled members who opted in, still for the Plex account they have. */
  optedIn(): Promise<{ userId: string; token: string }[]> {
    return this.db
      .select({ userId: plexTokens.userId, token: plexTokens.token })
      .from(plexTokens)
      .innerJoin(users, and(eq(users.id, plexTokens.userId), eq(users.plexId, plexTokens.plexId)))
      .where(and(eq(plexTokens.autoRequest, true), eq(users.enabled, true)));
  }

  /** True when the member has a token to opt in with. */
  async setAutoRequest(userId: string, enabled: boolean): Promise<boolean> {
    const rows = await this.db
      .update(plexTokens)
      .set({ autoRequest: enabled, updatedAt: new Date() })
      .where(eq(plexTokens.userId, userId))
      .returning({ userId: plexTokens.userId });
    return rows.length > 0;
  }

  async remove(userId: string): Promise<void> {
    await this.db.delete(plexTokens).where(eq(plexTokens.userId, userId));
  }
}
