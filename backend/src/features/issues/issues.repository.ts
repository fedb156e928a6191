/** media_issues table access: which member reported which Overseerr issue, so its webhooks reach them. */
import { and, eq, gt, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { mediaIssues, type IssueStatus } from '../../db/schema';

export type MediaIssueRow = typeof mediaIssues.$inferSelect;

export class MediaIssuesRepository {
  constructor(private readonly database: Database) {}

  async create(values: Omit<typeof mediaIssues.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>): Promise<MediaIssueRow> {
    const [row] = await this.database.db.insert(mediaIssues).values(values).returning();
    return row!;
  }

  async findByOverseerrId(overseerrIssueId: number): Promise<MediaIssueRow | undefined> {
    const [row] = await this.database.db.select().from(mediaIssues).where(eq(mediaIssues.overseerrIssueId, overseerrIssueId)).limit(1);
    return row;
  }

  async findByOverseerrIds(ids: number[]): Promise<MediaIssueRow[]> {
    if (ids.length === 0) return [];
    return this.database.db.select().from(mediaIssues).where(inArray(mediaIssues.overseerrIssueId, ids));
  }

  async setStatus(id: number, status: IssueStatus): Promise<void> {
    await this.database.db.update(mediaIssues).set({ status, updatedAt: new Date() }).where(eq(mediaIssues.id, id));
  }

  /** Sets the status unless it already is that; true for the one caller (of any replica) that changed it. */
  async changeStatus(id: number, status: IssueStatus): Promise<boolean> {
    const rows = await this.database.db
      .update(mediaIssues)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(mediaIssues.id, id), ne(mediaIssues.status, status)))
      .returning({ id: mediaIssues.id });
    return rows.length > 0;
  }

  /**
   * Moves the newest announced comment id from `seen` (null: never set) to
   * `newest`; true for the one caller that did, so comments are announced once
   * even when a webhook and a poll (or two replicas) see them at the same time.
   */
  async advanceLastComment(id: number, seen: number | null, newest: number): Promise<boolean> {
    const rows = await this.database.db
      .update(mediaIssues)
      .set({ lastCommentId: newest, updatedAt: new Date() })
      .where(and(eq(mediaIssues.id, id), seen === null ? isNull(mediaIssues.lastCommentId) : eq(mediaIssues.lastCommentId, seen)))
      .returning({ id: mediaIssues.id });
    return rows.length > 0;
  }

  /** Reports worth re-reading: open ones changed since `openSince`, resolved ones (which may be reopened) since `resolvedSince`. */
  async findRecent(openSince: Date, resolvedSince: Date, limit: number): Promise<MediaIssueRow[]> {
    return this.database.db
      .select()
      .from(mediaIssues)
      .where(
        or(
          and(eq(mediaIssues.status, 'open'), gt(mediaIssues.updatedAt, openSince)),
          and(eq(mediaIssues.status, 'resolved'), gt(mediaIssues.updatedAt, resolvedSince)),
        ),
      )
      .orderBy(mediaIssues.id)
      .limit(limit);
  }
}
