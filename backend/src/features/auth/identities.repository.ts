/** SSO identities linked to members (user_identities): one row per provider subject. */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { LinkedIdentity } from '@medianest/contracts';
import type { Database } from '../../db/client';
import { userIdentities } from '../../db/schema';

export type Identity = typeof userIdentities.$inferSelect;

export function toLinkedIdentity(row: Identity): LinkedIdentity {
  return {
    id: row.id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt ? row.lastLoginAt.toISOString() : null,
  };
}

export class IdentitiesRepository {
  constructor(private readonly database: Database) {}

  async find(issuer: string, subject: string): Promise<Identity | undefined> {
    const [row] = await this.database.db
      .select()
      .from(userIdentities)
      .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)))
      .limit(1);
    return row;
  }

  async listForUser(userId: string): Promise<Identity[]> {
    return this.database.db.select().from(userIdentities).where(eq(userIdentities.userId, userId)).orderBy(asc(userIdentities.createdAt));
  }

  /** Links (issuer, subject) to a member; undefined when that identity already belongs to someone. */
  async link(userId: string, issuer: string, subject: string, email: string | null): Promise<Identity | undefined> {
    const [row] = await this.database.db
      .insert(userIdentities)
      .values({ id: randomUUID(), userId, issuer, subject, email })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  async recordLogin(id: string, email: string | null): Promise<void> {
    await this.database.db.update(userIdentities).set({ lastLoginAt: new Date(), email }).where(eq(userIdentities.id, id));
  }

  /** True when the identity existed and belonged to that member. */
  async unlink(userId: string, id: string): Promise<boolean> {
    const rows = await this.database.db
      .delete(userIdentities)
      .where(and(eq(userIdentities.id, id), eq(userIdentities.userId, userId)))
      .returning({ id: userIdentities.id });
    return rows.length > 0;
  }
}
