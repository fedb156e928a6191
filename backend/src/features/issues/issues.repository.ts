/** media_issues table access: which member reported which Overseerr issue, so its webhooks reach them. */
import { eq, inArray } from 'drizzle-orm';
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
}
