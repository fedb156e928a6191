/** `password_reset_tokens`: one row per reset link, keyed by the SHA-256 of its token. */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { passwordResetTokens as t } from '../../db/schema';

export class PasswordResetsRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async insert(values: { id: string; userId: string; createdBy: string | null; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.db.insert(t).values(values);
  }

  /** Marks every unused link of a user used at `at`. */
  async useAllOf(userId: string, at: Date): Promise<void> {
    await this.db
      .update(t)
      .set({ usedAt: at })
      .where(and(eq(t.userId, userId), isNull(t.usedAt)));
  }

  /** The user and expiry of the link with this id, when it is unused and unexpired at `now`. */
  async findUsable(id: string, now: Date): Promise<{ userId: string; expiresAt: Date } | undefined> {
    const [row] = await this.db
      .select({ userId: t.userId, expiresAt: t.expiresAt })
      .from(t)
      .where(and(eq(t.id, id), isNull(t.usedAt), gt(t.expiresAt, now)))
      .limit(1);
    return row;
  }

  /** Marks a usable link used and returns its user (one UPDATE … RETURNING: of two concurrent uses, only one gets the row back). */
  async use(id: string, now: Date): Promise<string | undefined> {
    const [row] = await this.db
      .update(t)
      .set({ usedAt: now })
      .where(and(eq(t.id, id), isNull(t.usedAt), gt(t.expiresAt, now)))
      .returning({ userId: t.userId });
    return row?.userId;
  }
}
