/**
 * The playback history's SQL (table playback_sessions). A start is recorded
 * once: the partial unique index on the session key of open rows turns a
 * second insert for a stream still playing into nothing. An end is recorded
 * once: only an open row is closed.
 */
import { and, count, desc, eq, gte, isNull, lt, notInArray, sql, sum } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { playbackSessions, users } from '../../db/schema';

export type PlaybackSessionRow = typeof playbackSessions.$inferSelect;
export type NewPlaybackSession = typeof playbackSessions.$inferInsert;
export type PlaybackHistoryRow = PlaybackSessionRow & { username: string | null };

/** Seconds observed since the start, never more than what was left of the item when it started. */
const observedSeconds = sql<number>`least(
  floor(extract(epoch from (now() - ${playbackSessions.startedAt}))),
  coalesce((${playbackSessions.durationMs} - coalesce(${playbackSessions.startOffsetMs}, 0)) / 1000, 2147483647)
)::int`;

export class PlaybackHistoryRepository {
  constructor(private readonly database: Database) {}

  /** Records a start; false when the stream already has an open row (seen before, or by a previous watcher). */
  async start(row: NewPlaybackSession): Promise<boolean> {
    const inserted = await this.database.db
      .insert(playbackSessions)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: playbackSessions.id });
    return inserted.length > 0;
  }

  /**
   * Closes the stream's open row: watched = progress made since the start
   * (last view offset known), else the time observed. False when none was open.
   */
  async end(sessionKey: string, lastOffsetMs: number | null): Promise<boolean> {
    const progressed = sql<number>`(${lastOffsetMs}::int - ${playbackSessions.startOffsetMs}) / 1000`;
    const watched =
      lastOffsetMs === null
        ? observedSeconds
        : sql<number>`case when ${playbackSessions.startOffsetMs} is not null and ${lastOffsetMs}::int > ${playbackSessions.startOffsetMs}
            then ${progressed} else ${observedSeconds} end`;
    const closed = await this.database.db
      .update(playbackSessions)
      .set({ endedAt: sql`now()`, watchedSeconds: watched })
      .where(and(eq(playbackSessions.sessionKey, sessionKey), isNull(playbackSessions.endedAt)))
      .returning({ id: playbackSessions.id });
    return closed.length > 0;
  }

  /** Closes open rows of streams Plex no longer lists (ended while no one watched, e.g. during a handover). */
  async endAllBut(playingKeys: string[]): Promise<number> {
    const open = isNull(playbackSessions.endedAt);
    const closed = await this.database.db
      .update(playbackSessions)
      .set({ endedAt: sql`now()`, watchedSeconds: observedSeconds })
      .where(playingKeys.length ? and(open, notInArray(playbackSessions.sessionKey, playingKeys)) : open)
      .returning({ id: playbackSessions.id });
    return closed.length;
  }

  /** Plays that started since `since`, newest first (a member's own with userId). */
  list(since: Date, limit: number, userId?: string): Promise<PlaybackHistoryRow[]> {
    const window = gte(playbackSessions.startedAt, since);
    return this.database.db
      .select({ ...playbackColumns(), username: users.username })
      .from(playbackSessions)
      .leftJoin(users, eq(users.id, playbackSessions.userId))
      .where(userId ? and(window, eq(playbackSessions.userId, userId)) : window)
      .orderBy(desc(playbackSessions.startedAt), desc(playbackSessions.id))
      .limit(limit);
  }

  /** Titles by plays since `since` (an episode counts as its show). */
  async topTitles(since: Date, limit: number): Promise<{ title: string; plays: number; watchedSeconds: number }[]> {
    const title = sql<string>`coalesce(${playbackSessions.grandparentTitle}, ${playbackSessions.title})`;
    const rows = await this.database.db
      .select({ title, plays: count(), watched: sum(playbackSessions.watchedSeconds) })
      .from(playbackSessions)
      .where(gte(playbackSessions.startedAt, since))
      .groupBy(title)
      .orderBy(desc(count()), title)
      .limit(limit);
    return rows.map((r) => ({ title: r.title, plays: Number(r.plays), watchedSeconds: Number(r.watched ?? 0) }));
  }

  /** Plays per member (or per Plex account no member has linked) since `since`. */
  async perMember(
    since: Date,
  ): Promise<{ userId: string | null; username: string | null; plexUsername: string | null; plays: number; watchedSeconds: number }[]> {
    const plexUsername = sql<string | null>`case when ${playbackSessions.userId} is null then ${playbackSessions.plexUsername} end`;
    const rows = await this.database.db
      .select({
        userId: playbackSessions.userId,
        username: users.username,
        plexUsername,
        plays: count(),
        watched: sum(playbackSessions.watchedSeconds),
      })
      .from(playbackSessions)
      .leftJoin(users, eq(users.id, playbackSessions.userId))
      .where(gte(playbackSessions.startedAt, since))
      .groupBy(playbackSessions.userId, users.username, plexUsername)
      .orderBy(desc(count()));
    return rows.map((r) => ({ ...r, plays: Number(r.plays), watchedSeconds: Number(r.watched ?? 0) }));
  }

  /** Deletes plays that started before `before`; returns how many. */
  async deleteBefore(before: Date): Promise<number> {
    const deleted = await this.database.db
      .delete(playbackSessions)
      .where(lt(playbackSessions.startedAt, before))
      .returning({ id: playbackSessions.id });
    return deleted.length;
  }
}

function playbackColumns() {
  const { id, sessionKey, userId, plexUsername, mediaType, title, grandparentTitle, season, episode, year, player, product } =
    playbackSessions;
  const { decision, location, durationMs, startOffsetMs, startedAt, endedAt, watchedSeconds } = playbackSessions;
  return {
    id,
    sessionKey,
    userId,
    plexUsername,
    mediaType,
    title,
    grandparentTitle,
    season,
    episode,
    year,
    player,
    product,
    decision,
    location,
    durationMs,
    startOffsetMs,
    startedAt,
    endedAt,
    watchedSeconds,
  };
}
