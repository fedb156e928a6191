/**
 * The admin-configured extra URLs the service-health job probes
 * (`monitored_services`). URLs may carry credentials (http://user:pass@host);
 * `toPublicMonitoredService` masks the password before anything is sent out.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { monitoredServices, serviceIncidents, serviceStatusHistory, serviceUptimeDaily } from '../../db/schema';
import type { PublicMonitoredService } from '@medianest/contracts';

export type MonitoredService = typeof monitoredServices.$inferSelect;

/** The key a monitored service's status history is stored under. */
export function monitoredServiceKey(id: number): string {
  return `monitored:${id}`;
}

/** The URL with any password replaced by `***`. */
export function maskUrlPassword(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw;
  }
}

export function toPublicMonitoredService(s: MonitoredService): PublicMonitoredService {
  return {
    id: s.id,
    key: monitoredServiceKey(s.id),
    name: s.name,
    url: maskUrlPassword(s.url),
    enabled: s.enabled,
    createdAt: s.createdAt.toISOString(),
  };
}

export class MonitoredServicesRepository {
  constructor(private readonly database: Database) {}

  list(): Promise<MonitoredService[]> {
    return this.database.db.select().from(monitoredServices).orderBy(asc(monitoredServices.id));
  }

  listEnabled(): Promise<MonitoredService[]> {
    return this.database.db.select().from(monitoredServices).where(eq(monitoredServices.enabled, true)).orderBy(asc(monitoredServices.id));
  }

  async findById(id: number): Promise<MonitoredService | undefined> {
    const [row] = await this.database.db.select().from(monitoredServices).where(eq(monitoredServices.id, id)).limit(1);
    return row;
  }

  async create(values: { name: string; url: string; enabled: boolean }): Promise<MonitoredService> {
    const [row] = await this.database.db.insert(monitoredServices).values(values).returning();
    return row!;
  }

  async update(id: number, values: { name?: string; url?: string; enabled?: boolean }): Promise<MonitoredService | undefined> {
    const [row] = await this.database.db.update(monitoredServices).set(values).where(eq(monitoredServices.id, id)).returning();
    return row;
  }

  /** Deletes the service with its status history, uptime rollups and incidents; false when there was no such service. */
  async delete(id: number): Promise<boolean> {
    const rows = await this.database.db
      .delete(monitoredServices)
      .where(eq(monitoredServices.id, id))
      .returning({ id: monitoredServices.id });
    if (rows.length === 0) return false;
    const key = monitoredServiceKey(id);
    await this.database.db.delete(serviceStatusHistory).where(eq(serviceStatusHistory.service, key));
    await this.database.db.delete(serviceUptimeDaily).where(eq(serviceUptimeDaily.service, key));
    await this.database.db.delete(serviceIncidents).where(eq(serviceIncidents.service, key));
    return true;
  }
}
