/**
 * The member status page and what the admin tells everyone: each service's
 * state, uptime and the features it affects, incidents of the last 30 days,
 * maintenance windows and announcements. Creating or ending a notice tells
 * every browser at once (`status.notices`); an announcement is also sent to
 * members who chose to hear about announcements (`announcement.created` on
 * the event bus, planned by the notifications feature).
 *
 * While a maintenance window covers a service, `medianest_maintenance_active`
 * is 1 for it (computed at scrape time), which the alert rules and
 * Alertmanager use to hold back that service's alerts, and incidents opened
 * meanwhile are marked maintenance and send no messages.
 */
import type { Announcement, MaintenanceWindow, StatusNotices, StatusPage } from '@medianest/contracts';
import type { AnnouncementSeverity } from '../../db/schema';
import { AppError } from '../../errors';
import { logger } from '../../observability/logging/logger';
import { setGaugeSource } from '../../observability/metrics/catalog';
import type { EventBus } from '../../realtime/events';
import { affectedFeatures, toServiceIncident } from '../monitoring/incidents';
import { currentState, type ListedService, type ServiceStatusService } from '../monitoring/service-status.service';
import { uptimeFigures } from '../monitoring/uptime';
import { windowCovers, type AnnouncementRow, type MaintenanceRow, type NoticesRepository } from './notices.repository';

const INCIDENT_WINDOW_MS = 30 * 86_400_000;
/** Uptime moves by at most a minute's share per probe: members opening the page within this share one computation. */
const UPTIME_CACHE_MS = 30_000;

function toAnnouncement(row: AnnouncementRow): Announcement {
  return {
    id: row.id,
    message: row.message,
    severity: row.severity,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
  };
}

export class StatusService {
  private uptimeCache: { key: string; at: number; value: ReturnType<typeof uptimeFigures> } | undefined;

  constructor(
    private readonly notices: NoticesRepository,
    private readonly services: ServiceStatusService,
    private readonly events: EventBus,
    /** SERVICE_CHECK_INTERVAL_SECONDS, shown on the page next to the uptime figures. */
    private readonly checkIntervalSeconds = 60,
    private readonly now: () => Date = () => new Date(),
  ) {
    setGaugeSource('medianest_maintenance_active', () => this.maintenanceGauge());
  }

  private toMaintenance(row: MaintenanceRow, listed: ListedService[]): MaintenanceWindow {
    const names = new Map(listed.map((s) => [s.service, s.name]));
    return {
      id: row.id,
      services: row.services,
      serviceNames: row.services ? row.services.map((k) => names.get(k) ?? k) : [],
      startsAt: row.startsAt.toISOString(),
      endsAt: row.endsAt.toISOString(),
      message: row.message,
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** 1 for each monitored service a maintenance window covers now, 0 for the others. */
  async maintenanceGauge(): Promise<Map<string, number>> {
    const [listed, active] = await Promise.all([this.services.listServices(), this.notices.activeMaintenance(this.now())]);
    return new Map(listed.map((s) => [s.service, active.some((w) => windowCovers(w, s.service)) ? 1 : 0]));
  }

  async currentNotices(listed?: ListedService[]): Promise<StatusNotices> {
    const now = this.now();
    const [services, maintenance, announcements] = await Promise.all([
      listed ?? this.services.listServices(),
      this.notices.currentMaintenance(now),
      this.notices.activeAnnouncements(now),
    ]);
    return {
      announcements: announcements.map(toAnnouncement),
      maintenance: maintenance.map((m) => this.toMaintenance(m, services)),
    };
  }

  async page(): Promise<StatusPage> {
    const now = this.now();
    const listed = await this.services.listServices();
    const keys = listed.map((s) => s.service);
    const [latest, uptime, incidents, notices] = await Promise.all([
      this.services.latest(keys),
      this.uptime(keys, now),
      this.services.incidents.list(new Date(now.getTime() - INCIDENT_WINDOW_MS), keys),
      this.currentNotices(listed),
    ]);
    const names = new Map(listed.map((s) => [s.service, s.name]));
    const activeMaintenance = notices.maintenance.filter((m) => Date.parse(m.startsAt) <= now.getTime());
    const empty = { percent: null, observedPercent: 0 };
    return {
      generatedAt: now.toISOString(),
      checkIntervalSeconds: this.checkIntervalSeconds,
      services: listed.map((s) => ({
        ...s,
        ...currentState(latest.get(s.service)),
        uptime: uptime.get(s.service) ?? { h24: empty, d7: empty, d30: empty },
        affects: affectedFeatures(s.service),
        inMaintenance: activeMaintenance.some((m) => windowCovers(m, s.service)),
      })),
      incidents: incidents.map((i) => toServiceIncident(i, names.get(i.service) ?? i.service, now)),
      notices,
    };
  }

  private uptime(keys: string[], now: Date): ReturnType<typeof uptimeFigures> {
    const key = keys.join(',');
    const cached = this.uptimeCache;
    if (cached && cached.key === key && Math.abs(now.getTime() - cached.at) < UPTIME_CACHE_MS) return cached.value;
    const value = uptimeFigures(this.services.uptime, keys, now);
    this.uptimeCache = { key, at: now.getTime(), value };
    // A failed computation is not kept: the next view tries again.
    value.catch(() => {
      if (this.uptimeCache?.value === value) this.uptimeCache = undefined;
    });
    return value;
  }

  private async publishNotices(): Promise<void> {
    this.events.publish('status.notices', await this.currentNotices());
  }

  // ── Admin ────────────────────────────────────────────────────────────────

  async listMaintenance(): Promise<MaintenanceWindow[]> {
    const [rows, listed] = await Promise.all([this.notices.recentMaintenance(), this.services.listServices()]);
    return rows.map((r) => this.toMaintenance(r, listed));
  }

  async createMaintenance(
    input: { services: string[] | null; startsAt: string; endsAt: string; message: string },
    createdBy: string,
  ): Promise<MaintenanceWindow> {
    const listed = await this.services.listServices();
    const unknown = (input.services ?? []).filter((k) => !listed.some((s) => s.service === k));
    if (unknown.length > 0)
      throw AppError.badRequest(
        `No monitored service ${unknown.join(', ')}`,
        unknown.map(() => ({ path: 'services', message: 'not a monitored service' })),
      );
    const row = await this.notices.createMaintenance({
      services: input.services ? [...new Set(input.services)] : null,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      message: input.message,
      createdBy,
    });
    logger().info(
      {
        event: 'status.maintenance.created',
        maintenance_id: row.id,
        services: row.services ?? 'all',
        starts_at: input.startsAt,
        ends_at: input.endsAt,
      },
      'Maintenance window planned',
    );
    await this.publishNotices();
    return this.toMaintenance(row, listed);
  }

  async endMaintenance(id: number): Promise<MaintenanceWindow> {
    const row = await this.notices.endMaintenance(id, this.now());
    if (!row) throw AppError.notFound('No such maintenance window');
    logger().info({ event: 'status.maintenance.ended', maintenance_id: id }, 'Maintenance window ended');
    await this.publishNotices();
    return this.toMaintenance(row, await this.services.listServices());
  }

  async listAnnouncements(): Promise<Announcement[]> {
    return (await this.notices.recentAnnouncements()).map(toAnnouncement);
  }

  async createAnnouncement(
    input: { message: string; severity: AnnouncementSeverity; expiresAt: string | null },
    createdBy: string,
  ): Promise<Announcement> {
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt <= this.now())
      throw AppError.badRequest('expiresAt is in the past', [{ path: 'expiresAt', message: 'in the past' }]);
    const announcement = toAnnouncement(await this.notices.createAnnouncement({ ...input, expiresAt, createdBy }));
    logger().info(
      { event: 'status.announcement.created', announcement_id: announcement.id, severity: announcement.severity },
      'Announcement made',
    );
    await this.publishNotices();
    this.events.publish('announcement.created', announcement);
    return announcement;
  }

  async endAnnouncement(id: number): Promise<Announcement> {
    const row = await this.notices.endAnnouncement(id, this.now());
    if (!row) throw AppError.notFound('No such announcement');
    logger().info({ event: 'status.announcement.ended', announcement_id: id }, 'Announcement ended');
    await this.publishNotices();
    return toAnnouncement(row);
  }
}
