/**
 * Members' Plex tokens, kept so MediaNest can read their plex.tv watchlist:
 * sealed at rest with the notification secrets' SecretBox, one per member,
 * replaced at each Plex sign-in. A token is only ever handed out for the Plex
 * account it was issued for: when the member's Plex id is no longer the one
 * stored with it (the Plex account was unlinked or replaced), it is deleted
 * instead; deleting the member deletes it (cascade). The token is registered
 * with the log scrubber and never written to a log line, span or metric.
 */
import type { Database } from '../../db/client';
import { logger } from '../../observability/logging/logger';
import { registerSecret } from '../../observability/redact';
import type { SecretBox } from '../notifications/secret-box';
import { PlexTokensRepository } from './plex-tokens.repository';

export interface MemberPlexToken {
  userId: string;
  token: string;
  autoRequest: boolean;
}

export class PlexTokens {
  private readonly repo: PlexTokensRepository;

  constructor(
    database: Database,
    private readonly box: SecretBox,
  ) {
    this.repo = new PlexTokensRepository(database);
  }

  /** Keeps the token of a Plex sign-in (replacing the member's previous one; the opt-in stays). */
  async save(userId: string, plexId: string, token: string): Promise<void> {
    registerSecret(token);
    const sealed = this.box.seal(token);
    await this.repo.save(userId, plexId, sealed);
  }

  /** The member's token, when they signed in with the Plex account they still have. */
  async find(userId: string): Promise<MemberPlexToken | undefined> {
    const row = await this.repo.find(userId);
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
    const rows = await this.repo.optedIn();
    return rows.flatMap((r) => {
      const token = this.open(r.userId, r.token);
      return token === undefined ? [] : [{ userId: r.userId, token, autoRequest: true }];
    });
  }

  /** True when the member has a token to opt in with. */
  setAutoRequest(userId: string, enabled: boolean): Promise<boolean> {
    return this.repo.setAutoRequest(userId, enabled);
  }

  async remove(userId: string): Promise<void> {
    await this.repo.remove(userId);
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
