/**
 * Alerts received from Alertmanager (`alerts` table). One row per alert
 * occurrence — Alertmanager's fingerprint plus its start time — updated as
 * Alertmanager re-sends it (still firing, then resolved).
 */
import { desc, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { alerts } from '../../db/schema';
import type { PublicAlert } from '@medianest/contracts';

export type StoredAlert = typeof alerts.$inferSelect;
export type NewAlert = Omit<typeof alerts.$inferInsert, 'id'>;

export function toPublicAlert(a: StoredAlert): PublicAlert {
  return {
    fingerprint: a.fingerprint,
    alertname: a.alertname,
    status: a.status,
    severity: a.severity,
    summary: a.summary,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt?.toISOString() ?? null,
    endsAt: a.endsAt?.toISOString() ?? null,
    receivedAt: a.receivedAt.toISOString(),
  };
}

export class AlertsRepository {
  constructor(private readonly database: Database) {}

  /** Inserts or updates each occurrence (the last of duplicates in one batch wins). */
  async upsert(rows: NewAlert[]): Promise<void> {
    const unique = new Map<string, NewAlert>();
    for (const row of rows) unique.set(`${row.fingerprint}\u0000${row.startsAt?.toISOString() ?? ''}`, row);
    if (unique.size === 0) return;
    await this.database.db
      .insert(alerts)
      .values([...unique.values()])
      .onConflictDoUpdate({
        target: [alerts.fingerprint, alerts.startsAt],
        set: {
          alertname: sql`excluded.alertname`,
          status: sql`excluded.status`,
          severity: sql`excluded.severity`,
          summary: sql`excluded.summary`,
          labels: sql`excluded.labels`,
          annotations: sql`excluded.annotations`,
          endsAt: sql`excluded.ends_at`,
          receivedAt: sql`excluded.received_at`,
        },
      });
  }

  /** The latest alerts, firing ones first. */
  latest(limit = 50): Promise<StoredAlert[]> {
    return this.database.db
      .select()
      .from(alerts)
      .orderBy(sql`(${alerts.status} = 'firing') desc`, desc(alerts.receivedAt), desc(alerts.id))
      .limit(limit);
  }
}
