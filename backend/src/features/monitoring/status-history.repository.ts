/**
 * `service_status_history`: one row per probe result, kept HISTORY_RETENTION_MS
 * (service-status.service.ts). The reads the status report and the incident
 * rules (incidents.ts) make of it.
 */
import { and, desc, eq, gt, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { serviceStatusHistory as h, type ServiceStatus } from '../../db/schema';

export interface LatestProbe {
  status: ServiceStatus;
  responseTimeMs: number | null;
  checkedAt: Date;
}

/** A service's probes in a window: the latest, the latest that answered, the latest that failed (null: none). */
export interface ProbeWindow {
  service: string;
  latest: Date;
  lastOk: Date | null;
  lastDown: Date | null;
}

export class StatusHistoryRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async record(
    results: { service: string; status: ServiceStatus; responseTimeMs: number | null; error: string | null; checkedAt: Date }[],
  ): Promise<void> {
    if (results.length > 0) await this.db.insert(h).values(results);
  }

  /** Each service's latest probe result. */
  async latest(keys: string[]): Promise<Map<string, LatestProbe>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([h.service], { service: h.service, status: h.status, responseTimeMs: h.responseTimeMs, checkedAt: h.checkedAt })
      .from(h)
      .where(inArray(h.service, keys))
      .orderBy(h.service, desc(h.checkedAt));
    return new Map(rows.map((r) => [r.service, r]));
  }

  /** How many probes of each service ran since `since`. */
  async checksSince(keys: string[], since: Date): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ service: h.service, total: sql<number>`count(*)::int` })
      .from(h)
      .where(and(inArray(h.service, keys), gte(h.checkedAt, since)))
      .groupBy(h.service);
    return new Map(rows.map((r) => [r.service, r.total]));
  }

  /** Deletes results checked before `cutoff`; returns how many. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const rows = await this.db.delete(h).where(lt(h.checkedAt, cutoff)).returning({ id: h.id });
    return rows.length;
  }

  async windows(services: string[], since: Date): Promise<ProbeWindow[]> {
    const rows = await this.db
      .select({
        service: h.service,
        latest: sql`max(${h.checkedAt})`.mapWith(h.checkedAt),
        lastOk: sql`max(${h.checkedAt}) filter (where ${h.status} <> 'down')`.mapWith(h.checkedAt),
        lastDown: sql`max(${h.checkedAt}) filter (where ${h.status} = 'down')`.mapWith(h.checkedAt),
      })
      .from(h)
      .where(and(inArray(h.service, services), gte(h.checkedAt, since)))
      .groupBy(h.service);
    // The filtered maxima are null when no probe of that kind is in the window (drizzle does not decode a null).
    return rows.map((r) => ({ service: r.service, latest: r.latest, lastOk: r.lastOk, lastDown: r.lastDown }));
  }

  /** When the first probe after `after` (and, given `since`, not before it) that failed (`down`) or answered was checked. */
  async firstAfter(service: string, after: Date, down: boolean, since?: Date): Promise<Date | undefined> {
    const [first] = await this.db
      .select({ at: h.checkedAt })
      .from(h)
      .where(
        and(
          eq(h.service, service),
          down ? eq(h.status, 'down') : ne(h.status, 'down'),
          gt(h.checkedAt, after),
          since ? gte(h.checkedAt, since) : undefined,
        ),
      )
      .orderBy(h.checkedAt)
      .limit(1);
    return first?.at;
  }

  /** The error the probe checked at `at` reported. */
  async errorAt(service: string, at: Date): Promise<string | null> {
    const [row] = await this.db
      .select({ error: h.error })
      .from(h)
      .where(and(eq(h.service, service), eq(h.checkedAt, at)))
      .limit(1);
    return row?.error ?? null;
  }
}
