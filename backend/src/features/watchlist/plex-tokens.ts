/**
 * Members' Plex tokens, kept so MediaNest can read their plex.tv watchlist:
 * sealed at rest with the notification secrets' SecretBox, one per member,
 * replaced at each Plex sign-in. A token is only ever handed out for the Plex
 * account it was issued for: when the member's Plex id is no longer the one
 * stored with it (the Plex account was unlinked or replaced), it is deleted
 * instead; deleting the member deletes it (cascade). The token is registered
 * with the log scrubber and never written to a log line, span or metric.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { plexTokens, users } from '../../db/schema';
import { logger } from '../../observability/logging/logger';
import { registerSecret } from '../../observability/redact';
import type { SecretBox } from '../notifications/secret-box';

export interface MemberPlexToken {
  userId: string;
  token: string;
  autoRequest: boolean;
}

export class PlexTokens {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
  ) {}

  /** Keeps the token of a Plex sign-in (replacing the member's previous one; the opt-in stays). */
  async save(userId: string, plexId: string, token: string): Promise<void> {
    registerSecret(token);
    const sealed = this.box.seal(token);
    await this.database.db
      .insert(plexTokens)
      .values({ userId, plexId, token: sealed })
      .onConflictDoUpdate({ target: plexTokens.userId, set: { plexId, token: sealed, updatedAt: new Date() } });
  }

  /** The member's token, when they signed in with the Plex account they still have. */
  async find(userId: string): Promise<MemberPlexToken | undefined> {
    const [row] = await this.database.db
      .select({ plexId: plexTokens.plexId, token: plexTokens.token, autoRequest: plexTokens.autoRequest, current: users.plexId })
      .from(plexTokens)
      .innerJoin(users, eq(users.id, plexTokens.userId))
      .where(eq(plexTokens.userId, userId))
      .limit(1);
    if (!row) return undefined;
    if (row.current !== row.plexId) {
      await this.remove(userId);
      logger().info(
        { event: 'watchlist.token.dropped', user_id: userId },
        'Plex token dropped: the member no longer has that Plex account',
      );
      return undefined;
    }
    const token = this.open(userId, row.token);
    return token === undefined ? undefined : { userId, token, autoRequest: row.autoRequest };
  }

  /** Enabled members who opted in to automatic requests, with their tokens. */
  async optedIn(): Promise<MemberPlexToken[]> {
    const rows = await this.database.db
      .select({ userId: plexTokens.userId, token: plexTokens.token })
      .from(plexTokens)
      .innerJoin(users, and(eq(users.id, plexTokens.userId), eq(users.plexId, plexTokens.plexId)))
      .where(and(eq(plexTokens.autoRequest, true), eq(users.enabled, true)));
    return rows.flatMap((r) => {
      const token = this.open(r.userId, r.token);
      return token === undefined ? [] : [{ userId: r.userId, token, autoRequest: true }];
    });
  }

  /** True when the member has a token to opt in with. */
  async setAutoRequest(userId: string, enabled: boolean): Promise<boolean> {
    const rows = await this.database.db
      .update(plexTokens)
      .set({ autoRequest: enabled, updatedAt: new Date() })
      .where(eq(plexTokens.userId, userId))
      .returning({ userId: plexTokens.userId });
    return rows.length > 0;
  }

  async remove(userId: string): Promise<void> {
    await this.database.db.delete(plexTokens).where(eq(plexTokens.userId, userId));
  }

  /** Undefined when the value cannot be opened (the key was changed): the member signs in with Plex again. */
  private open(userId: string, sealed: string): string | undefined {
    try {
      const token = this.box.open(sealed);
      registerSecret(token);
      return token;
    } catch {
      logger().warn(
        { event: 'watchlist.token.unreadable', user_id: userId },
        'A stored Plex token cannot be decrypted (was NOTIFICATIONS_SECRET_KEY changed?)',
      );
      return undefined;
    }
  }
}
