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
import type { ServiceIncident } from '@medianest/contracts';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import type { IncidentRow, IncidentsRepository } from './incidents.repository';
import type { ProbeWindow, StatusHistoryRepository } from './status-history.repository';

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
    private readonly repo: IncidentsRepository,
    private readonly history: StatusHistoryRepository,
    private readonly events: EventBus,
    private readonly rules: IncidentRules,
    private readonly maintenance: MaintenanceLookup | undefined,
    private readonly now: () => Date,
  ) {}

  /** Opens and closes incidents of `services` from their recorded probes; `names` names them in events. */
  async evaluate(services: string[], names: Map<string, string>): Promise<void> {
    if (services.length === 0) return;
    // Far enough back for both rules; a run of failures longer than this opens with the window's first failure.
    const since = new Date(this.now().getTime() - this.rules.openAfterMs - this.rules.closeAfterMs - 3_600_000);
    const [windows, open] = await Promise.all([this.history.windows(services, since), this.repo.openOf(services)]);
    const openBy = new Map(open.map((i) => [i.service, i]));
    for (const state of windows) {
      const name = names.get(state.service) ?? state.service;
      const incident = openBy.get(state.service);
      if (incident) await this.maybeClose(incident, state, name);
      else await this.maybeOpen(state, since, name);
    }
  }

  private async maybeOpen(s: ProbeWindow, since: Date, name: string) {
    if (!s.lastDown || s.lastDown.getTime() !== s.latest.getTime()) return; // the latest probe answered
    const service = s.service;
    const firstAt = await this.history.firstAfter(service, s.lastOk ?? since, true, since);
    if (!firstAt || s.latest.getTime() - firstAt.getTime() < this.rules.openAfterMs) return;
    const cause = await this.history.errorAt(service, s.latest);
    const maintenance = (await this.maintenance?.covers(service, this.now())) ?? false;
    const created = await this.repo.open({ service, startedAt: firstAt, maintenance, cause });
    if (!created) return; // another replica opened it
    logger().warn(
      { event: 'status.incident.opened', upstream: service, incident_id: created.id, maintenance, started_at: firstAt.toISOString() },
      `Incident: ${name} is down${maintenance ? ' (maintenance)' : ''}`,
    );
    this.events.publish('status.incident', toServiceIncident(created, name, this.now()));
  }

  private async maybeClose(incident: IncidentRow, s: ProbeWindow, name: string) {
    if (!s.lastOk || s.lastOk.getTime() !== s.latest.getTime()) return; // the latest probe failed
    const lastDown = s.lastDown ?? incident.startedAt;
    if (s.latest.getTime() - lastDown.getTime() < this.rules.closeAfterMs) return;
    const endedAt = (await this.history.firstAfter(incident.service, lastDown, false)) ?? s.latest;
    const closed = await this.repo.close(incident.id, endedAt);
    if (!closed) return; // another replica closed it
    logger().info(
      { event: 'status.incident.closed', upstream: incident.service, incident_id: closed.id, ended_at: endedAt.toISOString() },
      `Incident over: ${name} is back`,
    );
    this.events.publish('status.incident', toServiceIncident(closed, name, this.now()));
  }

  /** Incidents that were open at some point since `since`, open ones first, then newest first. */
  list(since: Date, services: string[]): Promise<IncidentRow[]> {
    return this.repo.list(since, services);
  }

  /** Deletes incidents that ended before the retention; returns how many. */
  async prune(): Promise<number> {
    return this.repo.deleteEndedBefore(new Date(this.now().getTime() - INCIDENT_RETENTION_MS));
  }
}
