/** The `sessions` table: one row per sign-in, keyed by the SHA-256 of the cookie token. */
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { AppDb, Database } from '../../db/client';
import { sessions } from '../../db/schema';

export type Session = typeof sessions.$inferSelect;

function prepareLookup(db: AppDb) {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sql.placeholder('id')), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder('now'))))
    .limit(1)
    .prepare('medianest_session_by_id');
}

export class SessionsRepository {
  private lookup?: { db: AppDb; query: ReturnType<typeof prepareLookup> };

  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async insert(values: typeof sessions.$inferInsert): Promise<Session> {
    const [session] = await this.db.insert(sessions).values(values).returning();
    return session!;
  }

  /** The session with this id, unless revoked or expired at `now` (a prepared statement: it runs on every request). */
  async findLive(id: string, now: Date): Promise<Session | undefined> {
    const [row] = await this.lookupQuery().execute({ id, now: now.toISOString() });
    return row;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.db.update(sessions).set({ revokedAt: at }).where(eq(sessions.id, id));
  }

  async revokeAllOf(userId: string, at: Date): Promise<void> {
    await this.db
      .update(sessions)
      .set({ revokedAt: at })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  }

  async countActive(now: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));
    return row?.n ?? 0;
  }

  /** Deletes sessions that expired or were revoked before `before`; returns how many. */
  async deleteEndedBefore(before: Date): Promise<number> {
    const rows = await this.db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, before), lt(sessions.revokedAt, before)))
      .returning({ id: sessions.id });
    return rows.length;
  }

  /** The prepared lookup, prepared again when the database handle changes (pool recreated). */
  private lookupQuery() {
    const db = this.db;
    if (this.lookup?.db !== db) this.lookup = { db, query: prepareLookup(db) };
    return this.lookup.query;
  }
}
