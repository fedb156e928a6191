/**
 * Service status: runs the probes (service-health job), stores each result in
 * `service_status_history` (kept 7 days, rolled up per day before it goes),
 * tells everyone through the event bus when a service's status changes, opens
 * and closes incidents (incidents.ts), and reports current status with uptime
 * (uptime.ts). For uptime, `degraded` counts as up: the service answered, so
 * users could use it — slowness is shown by the status and response time instead.
 */
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import type { ServiceStatus } from '../../db/schema';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import { monitoredServiceKey, MonitoredServicesRepository } from './monitored-services.repository';
import { IncidentTracker, type IncidentRules, type MaintenanceLookup } from './incidents';
import { IncidentsRepository } from './incidents.repository';
import { runProbe, type ProbeResult, type ProbeTarget } from './service-probes';
import { StatusHistoryRepository, type LatestProbe } from './status-history.repository';
import { uptimeFigure, writeDailyRollups } from './uptime';
import { UptimeRepository } from './uptime.repository';
import type { ServiceStatusEntry } from '@medianest/contracts';

export const HISTORY_RETENTION_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
const UPTIME_WINDOW_MS = 86_400_000;

/** A service members see: Plex and Overseerr when configured, each enabled extra URL. */
export type ListedService = Pick<ServiceStatusEntry, 'service' | 'name' | 'kind'>;

export interface ServiceStatusOptions {
  /** Incident rules (STATUS_INCIDENT_*); defaults: open after 60 s of failures, close after 300 s without one. */
  incidents?: IncidentRules;
  maintenance?: MaintenanceLookup;
  now?: () => Date;
}

/** A service's latest probe result as users see it (`unknown` before the first check). */
export function currentState(last: { status: ServiceStatus; responseTimeMs: number | null; checkedAt: Date } | undefined) {
  return {
    status: last?.status ?? ('unknown' as const),
    responseTimeMs: last?.responseTimeMs ?? null,
    lastCheckedAt: last ? last.checkedAt.toISOString() : null,
  };
}

export class ServiceStatusService {
  readonly monitored: MonitoredServicesRepository;
  private lastPruneAt = 0;
  readonly incidents: IncidentTracker;
  /** Probe time and daily rollups, for the uptime figures. */
  readonly uptime: UptimeRepository;
  private readonly history: StatusHistoryRepository;
  private readonly now: () => Date;

  constructor(
    database: Database,
    private readonly events: EventBus,
    private readonly config: Pick<Config, 'PLEX_URL' | 'OVERSEERR_URL'>,
    options: ServiceStatusOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.monitored = new MonitoredServicesRepository(database);
    this.uptime = new UptimeRepository(database);
    this.history = new StatusHistoryRepository(database);
    this.incidents = new IncidentTracker(
      new IncidentsRepository(database),
      this.history,
      events,
      options.incidents ?? { openAfterMs: 60_000, closeAfterMs: 300_000 },
      options.maintenance,
      this.now,
    );
  }

  /**
   * Probes every target, records the results, publishes changes, prunes old
   * history. A change is measured against the latest stored result, not this
   * process's memory: the service-health job runs once per period in the
   * whole cluster (one BullMQ job scheduler), but on any replica, so a replica
   * that last looked long ago must not announce again what another already did
   * (nor announce anything after a restart).
   */
  async checkAll(targets: ProbeTarget[]): Promise<ProbeResult[]> {
    const results = await Promise.all(targets.map((t) => runProbe(t, this.now)));
    const stored = await this.latest(results.map((r) => r.service));
    await this.history.record(
      results.map((r) => ({
        service: r.service,
        status: r.status,
        responseTimeMs: r.responseTimeMs,
        error: r.error,
        checkedAt: r.checkedAt,
      })),
    );
    for (const r of results) {
      const previous = stored.get(r.service)?.status;
      if (previous === r.status) continue;
      const name = targets.find((t) => t.key === r.service)?.name ?? r.service;
      const log = r.status === 'down' ? 'warn' : 'info';
      logger()[log](
        { event: 'service.status.changed', upstream: r.service, status: r.status, previous_status: previous ?? null, error: r.error },
        `${name} is ${r.status}`,
      );
      this.events.publish('service.status', {
        service: r.service,
        status: r.status,
        previousStatus: previous,
        responseTimeMs: r.responseTimeMs,
        checkedAt: r.checkedAt.toISOString(),
      });
    }
    await this.incidents.evaluate(
      results.map((r) => r.service),
      new Map(targets.map((t) => [t.key, t.name])),
    );
    await this.pruneIfDue();
    return results;
  }

  private async pruneIfDue(): Promise<void> {
    const now = this.now().getTime();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    await this.prune();
  }

  /**
   * Rolls up the last complete days (for the 30-day uptime), then deletes history older than the
   * retention and incidents that ended long ago; returns the number of history rows removed.
   */
  async prune(): Promise<number> {
    await writeDailyRollups(
      this.uptime,
      (await this.listServices()).map((s) => s.service),
      this.now(),
    );
    await this.incidents.prune();
    return this.history.deleteBefore(new Date(this.now().getTime() - HISTORY_RETENTION_MS));
  }

  /** The services users see: Plex and Overseerr when configured, then each enabled extra URL. */
  async listServices(): Promise<ListedService[]> {
    const services: ListedService[] = [];
    if (this.config.PLEX_URL) services.push({ service: 'plex', name: 'Plex', kind: 'plex' });
    if (this.config.OVERSEERR_URL) services.push({ service: 'overseerr', name: 'Overseerr', kind: 'overseerr' });
    for (const m of await this.monitored.listEnabled()) {
      services.push({ service: monitoredServiceKey(m.id), name: m.name, kind: 'monitored' });
    }
    return services;
  }

  /** Each service's current status, last response time, last check, 24-hour uptime and check count. */
  async report(): Promise<ServiceStatusEntry[]> {
    const services = await this.listServices();
    if (services.length === 0) return [];
    const keys = services.map((s) => s.service);
    const since = new Date(this.now().getTime() - UPTIME_WINDOW_MS);
    const [latest, checksBy, uptime] = await Promise.all([
      this.latest(keys),
      this.history.checksSince(keys, since),
      this.uptime.probeSeconds(keys, [since], this.now()),
    ]);
    return services.map((s) => ({
      ...s,
      ...currentState(latest.get(s.service)),
      uptime24h: uptimeFigure(uptime.get(s.service)?.[0], UPTIME_WINDOW_MS / 1000).percent,
      checks24h: checksBy.get(s.service) ?? 0,
    }));
  }

  /** Each service's latest probe result. */
  latest(keys: string[]): Promise<Map<string, LatestProbe>> {
    return this.history.latest(keys);
  }
}
