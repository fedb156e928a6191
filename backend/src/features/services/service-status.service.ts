/**
 * Service status: runs the probes (service-health job), stores each result in
 * `service_status_history` (kept 7 days), tells everyone through the event bus
 * when a service's status changes, and reports current status with 24-hour
 * uptime. For uptime, `degraded` counts as up: the service answered, so users
 * could use it — slowness is shown by the status and response time instead.
 */
import { and, desc, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import { serviceStatusHistory, type ServiceStatus } from '../../db/schema';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import { monitoredServiceKey, MonitoredServicesRepository } from './monitored-services.repository';
import { runProbe, type ProbeResult, type ProbeTarget } from './service-probes';
import type { ServiceStatusEntry } from '@medianest/contracts';

export const HISTORY_RETENTION_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
const UPTIME_WINDOW_MS = 86_400_000;

export class ServiceStatusService {
  readonly monitored: MonitoredServicesRepository;
  private readonly lastStatus = new Map<string, ServiceStatus>();
  private seeded = false;
  private lastPruneAt = 0;

  constructor(
    private readonly database: Database,
    private readonly events: EventBus,
    private readonly config: Pick<Config, 'PLEX_URL' | 'OVERSEERR_URL'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.monitored = new MonitoredServicesRepository(database);
  }

  /** Probes every target, records the results, publishes changes, prunes old history. */
  async checkAll(targets: ProbeTarget[]): Promise<ProbeResult[]> {
    await this.seedLastStatus();
    const results = await Promise.all(targets.map((t) => runProbe(t, this.now)));
    if (results.length > 0) {
      await this.database.db.insert(serviceStatusHistory).values(
        results.map((r) => ({
          service: r.service,
          status: r.status,
          responseTimeMs: r.responseTimeMs,
          error: r.error,
          checkedAt: r.checkedAt,
        })),
      );
    }
    for (const r of results) {
      const previous = this.lastStatus.get(r.service);
      if (previous === r.status) continue;
      this.lastStatus.set(r.service, r.status);
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
    await this.pruneIfDue();
    return results;
  }

  /** After a restart the last known statuses come from history, so a restart announces no false changes. */
  private async seedLastStatus(): Promise<void> {
    if (this.seeded) return;
    const rows = await this.database.db
      .selectDistinctOn([serviceStatusHistory.service], { service: serviceStatusHistory.service, status: serviceStatusHistory.status })
      .from(serviceStatusHistory)
      .orderBy(serviceStatusHistory.service, desc(serviceStatusHistory.checkedAt));
    for (const row of rows) if (!this.lastStatus.has(row.service)) this.lastStatus.set(row.service, row.status);
    this.seeded = true;
  }

  private async pruneIfDue(): Promise<void> {
    const now = this.now().getTime();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    await this.prune();
  }

  /** Deletes history older than the retention; returns the number of rows removed. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - HISTORY_RETENTION_MS);
    const rows = await this.database.db
      .delete(serviceStatusHistory)
      .where(lt(serviceStatusHistory.checkedAt, cutoff))
      .returning({ id: serviceStatusHistory.id });
    return rows.length;
  }

  /** The services users see: Plex and Overseerr when configured, then each enabled extra URL. */
  async report(): Promise<ServiceStatusEntry[]> {
    const services: Pick<ServiceStatusEntry, 'service' | 'name' | 'kind'>[] = [];
    if (this.config.PLEX_URL) services.push({ service: 'plex', name: 'Plex', kind: 'plex' });
    if (this.config.OVERSEERR_URL) services.push({ service: 'overseerr', name: 'Overseerr', kind: 'overseerr' });
    for (const m of await this.monitored.listEnabled()) {
      services.push({ service: monitoredServiceKey(m.id), name: m.name, kind: 'monitored' });
    }
    if (services.length === 0) return [];
    const keys = services.map((s) => s.service);
    const h = serviceStatusHistory;
    const since = new Date(this.now().getTime() - UPTIME_WINDOW_MS);
    const [latest, uptime] = await Promise.all([
      this.database.db
        .selectDistinctOn([h.service], { service: h.service, status: h.status, responseTimeMs: h.responseTimeMs, checkedAt: h.checkedAt })
        .from(h)
        .where(inArray(h.service, keys))
        .orderBy(h.service, desc(h.checkedAt)),
      this.database.db
        .select({
          service: h.service,
          total: sql<number>`count(*)::int`,
          answered: sql<number>`count(*) filter (where ${h.status} <> 'down')::int`,
        })
        .from(h)
        .where(and(inArray(h.service, keys), gte(h.checkedAt, since)))
        .groupBy(h.service),
    ]);
    const latestBy = new Map(latest.map((r) => [r.service, r]));
    const uptimeBy = new Map(uptime.map((r) => [r.service, r]));
    return services.map((s) => {
      const last = latestBy.get(s.service);
      const u = uptimeBy.get(s.service);
      return {
        ...s,
        status: last?.status ?? 'unknown',
        responseTimeMs: last?.responseTimeMs ?? null,
        lastCheckedAt: last ? last.checkedAt.toISOString() : null,
        uptime24h: u && u.total > 0 ? Math.round((u.answered / u.total) * 10_000) / 100 : null,
        checks24h: u?.total ?? 0,
      };
    });
  }
}
