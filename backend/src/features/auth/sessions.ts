/**
 * Sessions live in the database (the source of truth), so a Redis outage logs
 * nobody out. The cookie holds a random token; the table holds its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { sessions } from '../../db/schema';
import { setGaugeSource } from '../../observability/metrics/catalog';
import type { EventBus } from '../../realtime/events';

export const SESSION_COOKIE = 'medianest_session';
const TOUCH_INTERVAL_MS = 5 * 60_000;

export type Session = typeof sessions.$inferSelect;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class SessionStore {
  constructor(
    private readonly database: Database,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
    /** Told about revocations, so live connections of a revoked session end with it. */
    private readonly events?: EventBus,
  ) {}

  /** medianest_user_sessions_active reads the store at scrape time. */
  registerMetrics(): void {
    setGaugeSource('medianest_user_sessions_active', () => this.countActive());
  }

  async create(userId: string, meta: { ip?: string; userAgent?: string }): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const [session] = await this.database.db
      .insert(sessions)
      .values({
        id: hashToken(token),
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + this.ttlMs),
        ip: meta.ip ?? null,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      })
      .returning();
    return { token, session: session! };
  }

  /** The live session for a cookie token, or undefined when unknown, expired or revoked. */
  async resolve(token: string): Promise<Session | undefined> {
    const now = this.now();
    const [session] = await this.database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      .limit(1);
    if (session && now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.database.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, session.id));
    }
    return session;
  }

  async revoke(token: string): Promise<void> {
    const sessionId = hashToken(token);
    await this.database.db.update(sessions).set({ revokedAt: this.now() }).where(eq(sessions.id, sessionId));
    this.events?.publish('session.revoked', { sessionId });
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.database.db
      .update(sessions)
      .set({ revokedAt: this.now() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    this.events?.publish('session.revoked', { userId });
  }

  async countActive(): Promise<number> {
    const [row] = await this.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(sessions)
      .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, this.now())));
    return row?.n ?? 0;
  }

  /** Deletes sessions that expired or were revoked more than a day ago. */
  async purge(): Promise<number> {
    const dayAgo = new Date(this.now().getTime() - 86_400_000);
    const rows = await this.database.db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, dayAgo), lt(sessions.revokedAt, dayAgo)))
      .returning({ id: sessions.id });
    return rows.length;
  }
}
