/**
 * Sessions live in the database (the source of truth), so a Redis outage logs
 * nobody out. The cookie holds a random token; the table holds its SHA-256.
 *
 * Looked-up sessions are cached in process (cache/coherence.ts): an
 * authenticated request usually costs no query. Every way a session ends
 * (sign-out, revoking all of a user's sessions) goes through this store, which
 * invalidates the cache on every process after the database change.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/client';
import { CoherentMap, type CacheCoherence, type Ticket } from '../../cache/coherence';
import { setGaugeSource } from '../../observability/metrics/catalog';
import type { EventBus } from '../../realtime/events';
import { SessionsRepository, type Session } from './sessions.repository';

export const SESSION_COOKIE = 'medianest_session';
const TOUCH_INTERVAL_MS = 5 * 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Cache tags: a session entry is dropped by its own tag or its user's. */
export const sessionTag = (sessionId: string) => `session:${sessionId}`;
export const userTag = (userId: string) => `user:${userId}`;

export class SessionStore {
  private readonly cache?: CoherentMap<Session>;
  private readonly repo: SessionsRepository;

  constructor(
    database: Database,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
    /** Told about revocations, so live connections of a revoked session end with it. */
    private readonly events?: EventBus,
    /** Caches looked-up sessions in process, invalidated on every process (absent: no cache). */
    private readonly coherence?: CacheCoherence,
  ) {
    this.repo = new SessionsRepository(database);
    if (coherence) this.cache = new CoherentMap<Session>(coherence, { maxEntries: 10_000, ttlMs: 60_000 });
  }

  /** Starts a lookup: what the cache may serve (undefined: read the database). See cache/coherence.ts. */
  sync(): Promise<Ticket | undefined> {
    return this.coherence ? this.coherence.sync() : Promise.resolve(undefined);
  }

  /** medianest_user_sessions_active reads the store at scrape time. */
  registerMetrics(): void {
    setGaugeSource('medianest_user_sessions_active', () => this.countActive());
  }

  async create(userId: string, meta: { ip?: string; userAgent?: string; method?: string }): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = await this.repo.insert({
      id: hashToken(token),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      method: meta.method ?? null,
    });
    return { token, session };
  }

  /**
   * The live session for a cookie token, or undefined when unknown, expired or revoked.
   * With a ticket from `sync()`, served from the cache when possible.
   */
  async resolve(token: string, ticket?: Ticket): Promise<Session | undefined> {
    return this.resolveStored(hashToken(token), ticket);
  }

  /** The same by the stored id (the token's hash), for a connection that remembers only that. */
  async resolveStored(id: string, ticket?: Ticket): Promise<Session | undefined> {
    const now = this.now();
    let session = this.cache?.get(id, ticket);
    if (session && (session.revokedAt !== null || session.expiresAt.getTime() <= now.getTime())) session = undefined;
    if (!session) {
      const row = await this.repo.findLive(id, now);
      if (!row) return undefined;
      session = row;
      this.cache?.set(id, session, [sessionTag(id), userTag(session.userId)], ticket);
    }
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.repo.touch(session.id, now);
      session.lastSeenAt = now;
    }
    return session;
  }

  async revoke(token: string): Promise<void> {
    const sessionId = hashToken(token);
    await this.repo.revoke(sessionId, this.now());
    await this.coherence?.invalidate([sessionTag(sessionId)]);
    this.events?.publish('session.revoked', { sessionId });
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.repo.revokeAllOf(userId, this.now());
    await this.coherence?.invalidate([userTag(userId)]);
    this.events?.publish('session.revoked', { userId });
  }

  async countActive(): Promise<number> {
    return this.repo.countActive(this.now());
  }

  /** Deletes sessions that expired or were revoked more than a day ago. */
  async purge(): Promise<number> {
    return this.repo.deleteEndedBefore(new Date(this.now().getTime() - 86_400_000));
  }
}
