/**
 * The uptime reads and writes (the rules are in uptime.ts): probe time per
 * service and window from `service_status_history`, and the daily rollups in
 * `service_uptime_daily`.
 */
import { and, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { serviceStatusHistory as h, serviceUptimeDaily as d } from '../../db/schema';

/** Longest time one probe result stands for: two intervals of the 60-second service-health job. */
export const PROBE_SPAN_MAX_SECONDS = 120;

export interface ProbeSeconds {
  up: number;
  down: number;
}

/** A day's figures as stored (`day` is YYYY-MM-DD, UTC). */
export interface DailyRollup {
  service: string;
  day: string;
  upSeconds: number;
  downSeconds: number;
}

export class UptimeRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  /** Observed seconds answered and down, per service, for each window `[from, to)`; windows all end at `to`. */
  async probeSeconds(services: string[], froms: Date[], to: Date): Promise<Map<string, ProbeSeconds[]>> {
    const result = new Map<string, ProbeSeconds[]>();
    if (services.length === 0 || froms.length === 0) return result;
    const earliest = new Date(Math.min(...froms.map((f) => f.getTime())) - PROBE_SPAN_MAX_SECONDS * 1000);
    const toSql = sql`${to.toISOString()}::timestamptz`;
    // Where this probe's time ends: the next probe, the cap, or the end of the window.
    const spanEnd = sql`least(coalesce(lead(${h.checkedAt}) over (partition by ${h.service} order by ${h.checkedAt}), ${toSql}), ${h.checkedAt} + ${sql.raw(`interval '${PROBE_SPAN_MAX_SECONDS} seconds'`)}, ${toSql})`;
    const columns = Object.fromEntries(
      froms.map((from, i) => [
        `s${i}`,
        sql<number>`greatest(0, extract(epoch from (${spanEnd} - greatest(${h.checkedAt}, ${from.toISOString()}::timestamptz))))::float8`.as(
          `s${i}`,
        ),
      ]),
    );
    const spans = this.db
      .select({ service: h.service, status: h.status, ...columns })
      .from(h)
      .where(and(inArray(h.service, services), gte(h.checkedAt, earliest), lt(h.checkedAt, to)))
      .as('spans');
    const spanColumns = spans as unknown as Record<string, unknown> & typeof spans;
    const sums = Object.fromEntries(
      froms.flatMap((_, i) => {
        const col = spanColumns[`s${i}`];
        return [
          [`up${i}`, sql<number>`coalesce(sum(${col}) filter (where ${spans.status} <> 'down'), 0)::float8`],
          [`down${i}`, sql<number>`coalesce(sum(${col}) filter (where ${spans.status} = 'down'), 0)::float8`],
        ];
      }),
    );
    const rows = (await this.db
      .select({ service: spans.service, ...sums })
      .from(spans)
      .groupBy(spans.service)) as unknown as (Record<string, number> & { service: string })[];
    for (const row of rows) {
      result.set(
        row.service,
        froms.map((_, i) => ({ up: Number(row[`up${i}`] ?? 0), down: Number(row[`down${i}`] ?? 0) })),
      );
    }
    return result;
  }

  /** The days (YYYY-MM-DD) from `since` on that have a rollup. */
  async rolledUpDays(since: string): Promise<Set<string>> {
    const present = await this.db.selectDistinct({ day: d.day }).from(d).where(gte(d.day, since));
    return new Set(present.map((r) => r.day));
  }

  /** Stores day figures; a day written again replaces its figures. */
  async saveRollups(rows: DailyRollup[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insert(d)
      .values(rows)
      .onConflictDoUpdate({
        target: [d.service, d.day],
        set: { upSeconds: sql`excluded.up_seconds`, downSeconds: sql`excluded.down_seconds` },
      });
  }

  /** Per service, the rolled-up seconds of the days in `[from30, before)` and of those from `from7` on. */
  rollupSums(services: string[], days: { from30: string; from7: string; before: string }) {
    if (services.length === 0) return Promise.resolve([]);
    const within7 = sql`${d.day} >= ${days.from7}`;
    return this.db
      .select({
        service: d.service,
        up30: sql<number>`sum(${d.upSeconds})::float8`,
        down30: sql<number>`sum(${d.downSeconds})::float8`,
        up7: sql<number>`coalesce(sum(${d.upSeconds}) filter (where ${within7}), 0)::float8`,
        down7: sql<number>`coalesce(sum(${d.downSeconds}) filter (where ${within7}), 0)::float8`,
      })
      .from(d)
      .where(and(inArray(d.service, services), gte(d.day, days.from30), lt(d.day, days.before)))
      .groupBy(d.service);
  }
}
