/** media_requests table access: MediaNest's own record of every request made through it. */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import {
  finalRequestStatuses,
  mediaRequestEvents,
  mediaRequests,
  users,
  type DownloadProgress,
  type MediaType,
  type RequestStatus,
  type TimelineStep,
} from '../../db/schema';

export type MediaRequestRow = typeof mediaRequests.$inferSelect;
export type MediaRequestEventRow = typeof mediaRequestEvents.$inferSelect;
export type MediaRequestWithUser = MediaRequestRow & { requestedBy: { id: string; username: string } };

/** Statuses in which a request waits for its download: approved, or being processed by Radarr/Sonarr. */
export const DOWNLOADING_STATUSES: readonly RequestStatus[] = ['approved', 'processing'];

/** Statuses in which a request still stands (a new request for the same title would be a duplicate). */
export const ACTIVE_REQUEST_STATUSES: readonly RequestStatus[] = ['pending', 'approved', 'processing', 'available'];

export class MediaRequestsRepository {
  constructor(private readonly database: Database) {}

  async create(values: Omit<typeof mediaRequests.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>): Promise<MediaRequestRow> {
    const [row] = await this.database.db.insert(mediaRequests).values(values).returning();
    return row!;
  }

  async findById(id: number): Promise<MediaRequestWithUser | undefined> {
    const [row] = await this.selectWithUser().where(eq(mediaRequests.id, id)).limit(1);
    return row ? withUser(row) : undefined;
  }

  async findByOverseerrId(overseerrId: number): Promise<MediaRequestRow | undefined> {
    const [row] = await this.database.db.select().from(mediaRequests).where(eq(mediaRequests.overseerrId, overseerrId)).limit(1);
    return row;
  }

  /** Requests that still stand for one title (any user). */
  async findActiveForMedia(mediaType: MediaType, tmdbId: number): Promise<MediaRequestRow[]> {
    return this.database.db
      .select()
      .from(mediaRequests)
      .where(
        and(
          eq(mediaRequests.mediaType, mediaType),
          eq(mediaRequests.tmdbId, tmdbId),
          inArray(mediaRequests.status, [...ACTIVE_REQUEST_STATUSES]),
        ),
      )
      .orderBy(desc(mediaRequests.id));
  }

  /** Requests that still stand for any of these titles (search marking). */
  async findActiveForTitles(tmdbIds: number[]): Promise<MediaRequestRow[]> {
    if (tmdbIds.length === 0) return [];
    return this.database.db
      .select()
      .from(mediaRequests)
      .where(and(inArray(mediaRequests.tmdbId, tmdbIds), inArray(mediaRequests.status, [...ACTIVE_REQUEST_STATUSES])))
      .orderBy(desc(mediaRequests.id));
  }

  /** Requests Overseerr may still move (not available, declined or cancelled), for the sync job. */
  async findUnsettled(limit: number): Promise<MediaRequestRow[]> {
    return this.database.db
      .select()
      .from(mediaRequests)
      .where(and(isNotNull(mediaRequests.overseerrId), notInArray(mediaRequests.status, [...finalRequestStatuses])))
      .orderBy(mediaRequests.id)
      .limit(limit);
  }

  async list(filter: { userId?: string; status?: RequestStatus; limit: number; offset: number }): Promise<{
    rows: MediaRequestWithUser[];
    total: number;
  }> {
    const conditions: SQL[] = [];
    if (filter.userId) conditions.push(eq(mediaRequests.userId, filter.userId));
    if (filter.status) conditions.push(eq(mediaRequests.status, filter.status));
    const where = conditions.length ? and(...conditions) : undefined;
    const [rows, [totals]] = await Promise.all([
      this.selectWithUser()
        .where(where)
        .orderBy(desc(mediaRequests.createdAt), desc(mediaRequests.id))
        .limit(filter.limit)
        .offset(filter.offset),
      this.database.db.select({ n: count() }).from(mediaRequests).where(where),
    ]);
    return { rows: rows.map(withUser), total: totals?.n ?? 0 };
  }

  /** Sets the status (and other fields that change with it); returns the updated row, or undefined when it does not exist. */
  async updateStatus(
    id: number,
    status: RequestStatus,
    extra: Partial<Pick<MediaRequestRow, 'approvedAt' | 'download' | 'plexRatingKey'>> = {},
  ): Promise<MediaRequestRow | undefined> {
    const [row] = await this.database.db
      .update(mediaRequests)
      .set({ status, ...extra, updatedAt: new Date() })
      .where(eq(mediaRequests.id, id))
      .returning();
    return row;
  }

  /** Stores the last download progress and Plex rating key read from Overseerr (not a status change: updatedAt stays). */
  async updateProgress(
    id: number,
    values: { download: DownloadProgress | null; plexRatingKey: string | null },
  ): Promise<MediaRequestRow | undefined> {
    const [row] = await this.database.db.update(mediaRequests).set(values).where(eq(mediaRequests.id, id)).returning();
    return row;
  }

  /** Restarts the stall clock (an administrator retried the request). */
  async restartStallClock(id: number, at: Date): Promise<void> {
    await this.database.db.update(mediaRequests).set({ approvedAt: at, updatedAt: at }).where(eq(mediaRequests.id, id));
  }

  /** Approved or processing requests known to Overseerr, oldest first (the request-progress job). */
  async findDownloading(limit: number): Promise<MediaRequestRow[]> {
    return this.database.db
      .select()
      .from(mediaRequests)
      .where(and(isNotNull(mediaRequests.overseerrId), inArray(mediaRequests.status, [...DOWNLOADING_STATUSES])))
      .orderBy(mediaRequests.id)
      .limit(limit);
  }

  /**
   * Requests approved before `approvedBefore` that still have nothing in the
   * download queue and are not available: stalled.
   */
  async countStalled(approvedBefore: Date): Promise<number> {
    const [row] = await this.database.db
      .select({ n: count() })
      .from(mediaRequests)
      .where(
        and(
          inArray(mediaRequests.status, [...DOWNLOADING_STATUSES]),
          lt(mediaRequests.approvedAt, approvedBefore),
          or(isNull(mediaRequests.download), sql`coalesce(jsonb_array_length(${mediaRequests.download}->'items'), 0) = 0`),
        ),
      );
    return row?.n ?? 0;
  }

  /**
   * Records one step of a request's history. Undefined when the step was
   * already recorded and may happen only once (`available`: a unique index
   * keeps a retried webhook racing the sync job from storing it twice).
   */
  async addEvent(requestId: number, step: TimelineStep, actor: string | null, at = new Date()): Promise<MediaRequestEventRow | undefined> {
    const [row] = await this.database.db
      .insert(mediaRequestEvents)
      .values({ requestId, step, actor, at })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /**
   * How long the latest `limit` fulfilled requests of this media type and
   * approval kind took, from being requested to being available, in seconds.
   */
  async fulfilmentSeconds(mediaType: MediaType, autoApproved: boolean, limit: number): Promise<number[]> {
    const rows = await this.database.db
      .select({ seconds: sql<string>`extract(epoch from (${mediaRequestEvents.at} - ${mediaRequests.createdAt}))` })
      .from(mediaRequestEvents)
      .innerJoin(mediaRequests, eq(mediaRequests.id, mediaRequestEvents.requestId))
      .where(
        and(eq(mediaRequestEvents.step, 'available'), eq(mediaRequests.mediaType, mediaType), eq(mediaRequests.autoApproved, autoApproved)),
      )
      .orderBy(desc(mediaRequestEvents.at))
      .limit(limit);
    return rows.map((r) => Math.max(0, Number(r.seconds)));
  }

  /** A request's history, oldest first. */
  async events(requestId: number): Promise<MediaRequestEventRow[]> {
    return this.database.db
      .select()
      .from(mediaRequestEvents)
      .where(eq(mediaRequestEvents.requestId, requestId))
      .orderBy(asc(mediaRequestEvents.at), asc(mediaRequestEvents.id));
  }

  private selectWithUser() {
    return this.database.db
      .select({ request: mediaRequests, userId: users.id, username: users.username })
      .from(mediaRequests)
      .innerJoin(users, eq(users.id, mediaRequests.userId))
      .$dynamic();
  }
}

function withUser(row: { request: MediaRequestRow; userId: string; username: string }): MediaRequestWithUser {
  return { ...row.request, requestedBy: { id: row.userId, username: row.username } };
}
