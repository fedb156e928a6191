/**
 * Incidents: outages as members should hear about them, derived from probe
 * history after every service-health run, with flap suppression.
 *
 * - An incident **opens** when a service's probes have failed without a break
 *   for STATUS_INCIDENT_OPEN_AFTER_SECONDS (default 60 s: two failed probes in
 *   a row at the 60-second probe interval). It starts at the first failed
 *   probe of that run.
 * - It **closes** once the latest probe answered and no probe has failed for
 *   STATUS_INCIDENT_CLOSE_AFTER_SECONDS (default 300 s), measured in probe
 *   time, not wall-clock time, so a stopped MediaNest closes nothing. It ends
 *   at the first answered probe after the last failed one.
 * - A service bouncing up and down inside the quiet period therefore stays
 *   one incident: one "down" message when it opens, one "up" when it closes.
 *
 * Several replicas may evaluate the same history at once: the partial unique
 * index (one open incident per service) lets exactly one insert win, and the
 * close is an UPDATE … WHERE ended_at IS NULL that exactly one replica gets a
 * row back from. Only the winner publishes `status.incident`, which plans the
 * messages (whose delivery rows are also unique per incident and phase).
 *
 * An incident opened while a maintenance window covers the service is marked
 * `maintenance`: shown as such, and no messages go out for it.
 */
import { and, desc, eq, gt, gte, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { ServiceIncident } from '@medianest/contracts';
import type { Database } from '../../db/client';
import { serviceIncidents, serviceStatusHistory } from '../../db/schema';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';

export type IncidentRow = typeof serviceIncidents.$inferSelect;

export interface IncidentRules {
  openAfterMs: number;
  closeAfterMs: number;
}

/** Whether a maintenance window covers a service at a time (features/status provides it). */
export interface MaintenanceLookup {
  covers(service: string, at: Date): Promise<boolean>;
}

/** What members notice when a service is down; services not listed affect only themselves. */
export const AFFECTED_FEATURES: Record<string, string[]> = {
  plex: ['Library', 'Play links'],
  overseerr: ['Search', 'Requests'],
};

export function affectedFeatures(service: string): string[] {
  return AFFECTED_FEATURES[service] ?? [];
}

export function toServiceIncident(row: IncidentRow, name: string, now: Date): ServiceIncident {
  const end = row.endedAt ?? now;
  return {
    id: row.id,
    service: row.service,
    name,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt ? row.endedAt.toISOString() : null,
    durationSeconds: Math.max(0, Math.round((end.getTime() - row.startedAt.getTime()) / 1000)),
    affects: affectedFeatures(row.service),
    maintenance: row.maintenance,
    cause: row.cause,
  };
}

/** Incidents are kept this long (the status page shows 30 days). */
export const INCIDENT_RETENTION_MS = 90 * 86_400_000;

export class IncidentTracker {
  constructor(
    private readonly database: Database,
    private readonly events: EventBus,
    private readonly rules: IncidentRules,
    private readonly maintenance: MaintenanceLookup | undefined,
    private readonly now: () => Date,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** Opens and closes incidents of `services` from their recorded probes; `names` names them in events. */
  async evaluate(services: string[], names: Map<string, string>): Promise<void> {
    if (services.length === 0) return;
    const h = serviceStatusHistory;
    // Far enough back for both rules; a run of failures longer than this opens with the window's first failure.
    const since = new Date(this.now().getTime() - this.rules.openAfterMs - this.rules.closeAfterMs - 3_600_000);
    const [latest, open] = await Promise.all([
      this.db
        .select({
          service: h.service,
          latest: sql`max(${h.checkedAt})`.mapWith(h.checkedAt),
          lastOk: sql`max(${h.checkedAt}) filter (where ${h.status} <> 'down')`.mapWith(h.checkedAt),
          lastDown: sql`max(${h.checkedAt}) filter (where ${h.status} = 'down')`.mapWith(h.checkedAt),
        })
        .from(h)
        .where(and(inArray(h.service, services), gte(h.checkedAt, since)))
        .groupBy(h.service),
      this.db
        .select()
        .from(serviceIncidents)
        .where(and(inArray(serviceIncidents.service, services), isNull(serviceIncidents.endedAt))),
    ]);
    const openBy = new Map(open.map((i) => [i.service, i]));
    for (const row of latest) {
      // The filtered maxima are null when no probe of that kind is in the window (drizzle does not decode a null).
      const state = { latest: row.latest, lastOk: row.lastOk as Date | null, lastDown: row.lastDown as Date | null };
      const name = names.get(row.service) ?? row.service;
      const incident = openBy.get(row.service);
      if (incident) await this.maybeClose(incident, state, name);
      else await this.maybeOpen(row.service, state, since, name);
    }
  }

  private async maybeOpen(service: string, s: { latest: Date; lastOk: Date | null; lastDown: Date | null }, since: Date, name: string) {
    if (!s.lastDown || s.lastDown.getTime() !== s.latest.getTime()) return; // the latest probe answered
    const h = serviceStatusHistory;
    const [first] = await this.db
      .select({ at: h.checkedAt })
      .from(h)
      .where(and(eq(h.service, service), eq(h.status, 'down'), gt(h.checkedAt, s.lastOk ?? since), gte(h.checkedAt, since)))
      .orderBy(h.checkedAt)
      .limit(1);
    if (!first || s.latest.getTime() - first.at.getTime() < this.rules.openAfterMs) return;
    const [cause] = await this.db
      .select({ error: h.error })
      .from(h)
      .where(and(eq(h.service, service), eq(h.checkedAt, s.latest)))
      .limit(1);
    const maintenance = (await this.maintenance?.covers(service, this.now())) ?? false;
    const [created] = await this.db
      .insert(serviceIncidents)
      .values({ service, startedAt: first.at, maintenance, cause: cause?.error ?? null })
      .onConflictDoNothing()
      .returning();
    if (!created) return; // another replica opened it
    logger().warn(
      { event: 'status.incident.opened', upstream: service, incident_id: created.id, maintenance, started_at: first.at.toISOString() },
      `Incident: ${name} is down${maintenance ? ' (maintenance)' : ''}`,
    );
    this.events.publish('status.incident', toServiceIncident(created, name, this.now()));
  }

  private async maybeClose(incident: IncidentRow, s: { latest: Date; lastOk: Date | null; lastDown: Date | null }, name: string) {
    if (!s.lastOk || s.lastOk.getTime() !== s.latest.getTime()) return; // the latest probe failed
    const lastDown = s.lastDown ?? incident.startedAt;
    if (s.latest.getTime() - lastDown.getTime() < this.rules.closeAfterMs) return;
    const h = serviceStatusHistory;
    const [back] = await this.db
      .select({ at: h.checkedAt })
      .from(h)
      .where(and(eq(h.service, incident.service), ne(h.status, 'down'), gt(h.checkedAt, lastDown)))
      .orderBy(h.checkedAt)
      .limit(1);
    const endedAt = back?.at ?? s.latest;
    const [closed] = await this.db
      .update(serviceIncidents)
      .set({ endedAt })
      .where(and(eq(serviceIncidents.id, incident.id), isNull(serviceIncidents.endedAt)))
      .returning();
    if (!closed) return; // another replica closed it
    logger().info(
      { event: 'status.incident.closed', upstream: incident.service, incident_id: closed.id, ended_at: endedAt.toISOString() },
      `Incident over: ${name} is back`,
    );
    this.events.publish('status.incident', toServiceIncident(closed, name, this.now()));
  }

  /** Incidents that were open at some point since `since`, open ones first, then newest first. */
  list(since: Date, services: string[]): Promise<IncidentRow[]> {
    if (services.length === 0) return Promise.resolve([]);
    const i = serviceIncidents;
    return this.db
      .select()
      .from(i)
      .where(and(inArray(i.service, services), or(isNull(i.endedAt), gte(i.endedAt, since))))
      .orderBy(sql`${i.endedAt} is null desc`, desc(i.startedAt))
      .limit(200);
  }

  /** Deletes incidents that ended before the retention; returns how many. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - INCIDENT_RETENTION_MS);
    const rows = await this.db.delete(serviceIncidents).where(lt(serviceIncidents.endedAt, cutoff)).returning({ id: serviceIncidents.id });
    return rows.length;
  }

  async deleteOf(service: string): Promise<void> {
    await this.db.delete(serviceIncidents).where(eq(serviceIncidents.service, service));
  }
}
