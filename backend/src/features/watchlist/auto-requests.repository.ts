/**
 * The record of automatic watchlist requests (watchlist_requests): one row per member and title,
 * claimed before Overseerr is asked, so two runs (two replicas, or a run after a restart) never
 * request the same title for the same member twice.
 */
import { and, eq, lt } from 'drizzle-orm';
import type { WatchlistSkipReason } from '@medianest/contracts';
import type { Database } from '../../db/client';
import { watchlistRequests, type MediaType } from '../../db/schema';

export type AutoRequestRow = typeof watchlistRequests.$inferSelect;

/** A claim older than this was left by a run that died before it finished: another run may take it over. */
export const STALE_CLAIM_MS = 15 * 60_000;

export interface TitleKey {
  mediaType: MediaType;
  tmdbId: number;
}

export const titleKey = (t: TitleKey) => `${t.mediaType}:${t.tmdbId}`;

export class AutoRequestsRepository {
  constructor(private readonly database: Database) {}

  /** The titles already claimed, requested or refused for the member. */
  async recordedFor(userId: string): Promise<Set<string>> {
    const rows = await this.database.db
      .select({ mediaType: watchlistRequests.mediaType, tmdbId: watchlistRequests.tmdbId })
      .from(watchlistRequests)
      .where(eq(watchlistRequests.userId, userId));
    return new Set(rows.map(titleKey));
  }

  async listFor(userId: string): Promise<AutoRequestRow[]> {
    return this.database.db.select().from(watchlistRequests).where(eq(watchlistRequests.userId, userId));
  }

  /** The row id when this run may ask Overseerr for the title; undefined when another run has it (or had it). */
  async claim(userId: string, title: TitleKey & { title: string }, now = new Date()): Promise<number | undefined> {
    const [fresh] = await this.database.db
      .insert(watchlistRequests)
      .values({ userId, mediaType: title.mediaType, tmdbId: title.tmdbId, title: title.title, claimedAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ id: watchlistRequests.id });
    if (fresh) return fresh.id;
    // Taken over only while still a claim that nobody renewed: one UPDATE, so two runs cannot both win it.
    const [stale] = await this.database.db
      .update(watchlistRequests)
      .set({ claimedAt: now, updatedAt: now })
      .where(
        and(
          eq(watchlistRequests.userId, userId),
          eq(watchlistRequests.mediaType, title.mediaType),
          eq(watchlistRequests.tmdbId, title.tmdbId),
          eq(watchlistRequests.outcome, 'claimed'),
          lt(watchlistRequests.claimedAt, new Date(now.getTime() - STALE_CLAIM_MS)),
        ),
      )
      .returning({ id: watchlistRequests.id });
    return stale?.id;
  }

  async requested(id: number, requestId: number): Promise<void> {
    await this.database.db
      .update(watchlistRequests)
      .set({ outcome: 'requested', requestId, reason: null, updatedAt: new Date() })
      .where(eq(watchlistRequests.id, id));
  }

  async refused(id: number, reason: WatchlistSkipReason): Promise<void> {
    await this.database.db
      .update(watchlistRequests)
      .set({ outcome: 'refused', reason, updatedAt: new Date() })
      .where(eq(watchlistRequests.id, id));
  }

  /** Gives a claim up (Overseerr could not be asked): a later run tries the title again. */
  async release(id: number): Promise<void> {
    await this.database.db.delete(watchlistRequests).where(and(eq(watchlistRequests.id, id), eq(watchlistRequests.outcome, 'claimed')));
  }
}
