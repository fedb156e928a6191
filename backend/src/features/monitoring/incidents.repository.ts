/** `service_incidents`: at most one open incident per service (a partial unique index), closed once. */
import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { serviceIncidents as i } from '../../db/schema';

export type IncidentRow = typeof i.$inferSelect;

export class IncidentsRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  openOf(services: string[]): Promise<IncidentRow[]> {
    return this.db
      .select()
      .from(i)
      .where(and(inArray(i.service, services), isNull(i.endedAt)));
  }

  /** Opens an incident; undefined when the service already has an open one (another replica won). */
  async open(values: { service: string; startedAt: Date; maintenance: boolean; cause: string | null }): Promise<IncidentRow | undefined> {
    const [created] = await this.db.insert(i).values(values).onConflictDoNothing().returning();
    return created;
  }

  /** Closes an open incident; undefined when it was closed already (another replica won). */
  async close(id: number, endedAt: Date): Promise<IncidentRow | undefined> {
    const [closed] = await this.db
      .update(i)
      .set({ endedAt })
      .where(and(eq(i.id, id), isNull(i.endedAt)))
      .returning();
    return closed;
  }

  /** Incidents that were open at some point since `since`, open ones first, then newest first. */
  list(since: Date, services: string[]): Promise<IncidentRow[]> {
    if (services.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(i)
      .where(and(inArray(i.service, services), or(isNull(i.endedAt), gte(i.endedAt, since))))
      .orderBy(sql`${i.endedAt} is null desc`, desc(i.startedAt))
      .limit(200);
  }

  /** Deletes incidents that ended before `cutoff`; returns how many. */
  async deleteEndedBefore(cutoff: Date): Promise<number> {
    const rows = await this.db.delete(i).where(lt(i.endedAt, cutoff)).returning({ id: i.id });
    return rows.length;
  }
}
