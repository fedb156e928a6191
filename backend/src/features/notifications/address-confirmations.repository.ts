/** The confirmation state of members' own e-mail addresses, kept on their `notification_preferences` rows. */
import { and, eq, gt } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { notificationPreferences as p } from '../../db/schema';

export class AddressConfirmationsRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  /** The member's own address on a channel and when it was confirmed (null: not yet). */
  async addressState(userId: string, channelId: number): Promise<{ address: string | null; confirmedAt: Date | null } | undefined> {
    const [row] = await this.db
      .select({ address: p.address, confirmedAt: p.addressConfirmedAt })
      .from(p)
      .where(and(eq(p.userId, userId), eq(p.channelId, channelId)));
    return row;
  }

  /** Sets the pending link (`tokenHash` and `expiresAt`; null for none) and clears any confirmation. */
  async setPending(userId: string, channelId: number, tokenHash: string | null, expiresAt: Date | null): Promise<void> {
    await this.db
      .update(p)
      .set({ addressConfirmedAt: null, confirmTokenHash: tokenHash, confirmExpiresAt: expiresAt })
      .where(and(eq(p.userId, userId), eq(p.channelId, channelId)));
  }

  /** Confirms the member's address whose unexpired link has this hash; returns the channels confirmed (none: no such link). */
  async confirm(userId: string, tokenHash: string, now: Date): Promise<number[]> {
    const rows = await this.db
      .update(p)
      .set({ addressConfirmedAt: now, confirmTokenHash: null, confirmExpiresAt: null })
      .where(and(eq(p.userId, userId), eq(p.confirmTokenHash, tokenHash), gt(p.confirmExpiresAt, now)))
      .returning({ channelId: p.channelId });
    return rows.map((r) => r.channelId);
  }
}
