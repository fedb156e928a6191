/**
 * Maintenance windows and announcements (tables `maintenance_windows`,
 * `announcements`). Ending one early sets its end (or expiry) to now, so the
 * record of what was announced stays.
 */
import { and, asc, desc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { announcements, maintenanceWindows, type AnnouncementSeverity } from '../../db/schema';

export type MaintenanceRow = typeof maintenanceWindows.$inferSelect;
export type AnnouncementRow = typeof announcements.$inferSelect;

/** Does a window cover a service (a window for all services covers every one)? */
export function windowCovers(window: Pick<MaintenanceRow, 'services'>, service: string): boolean {
  return window.services === null || window.services.includes(service);
}

export class NoticesRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async createMaintenance(values: {
    services: string[] | null;
    startsAt: Date;
    endsAt: Date;
    message: string;
    createdBy: string | null;
  }): Promise<MaintenanceRow> {
    const [row] = await this.db.insert(maintenanceWindows).values(values).returning();
    return row!;
  }

  /** Ends a window now (a future one is cancelled: it ends when it would have started). Undefined when no such window. */
  async endMaintenance(id: number, now: Date): Promise<MaintenanceRow | undefined> {
    const [row] = await this.db.select().from(maintenanceWindows).where(eq(maintenanceWindows.id, id));
    if (!row) return undefined;
    if (row.endsAt <= now) return row;
    const endsAt = row.startsAt > now ? row.startsAt : now;
    const [updated] = await this.db.update(maintenanceWindows).set({ endsAt }).where(eq(maintenanceWindows.id, id)).returning();
    return updated;
  }

  /** Windows in force at `now` or starting later, soonest first. */
  currentMaintenance(now: Date): Promise<MaintenanceRow[]> {
    return this.db.select().from(maintenanceWindows).where(gt(maintenanceWindows.endsAt, now)).orderBy(asc(maintenanceWindows.startsAt));
  }

  /** Windows in force at `at`. */
  activeMaintenance(at: Date): Promise<MaintenanceRow[]> {
    return this.db
      .select()
      .from(maintenanceWindows)
      .where(and(lte(maintenanceWindows.startsAt, at), gt(maintenanceWindows.endsAt, at)));
  }

  /** The latest windows, upcoming and past, for the admin page. */
  recentMaintenance(limit = 50): Promise<MaintenanceRow[]> {
    return this.db.select().from(maintenanceWindows).orderBy(desc(maintenanceWindows.startsAt)).limit(limit);
  }

  async covers(service: string, at: Date): Promise<boolean> {
    return (await this.activeMaintenance(at)).some((w) => windowCovers(w, service));
  }

  async createAnnouncement(values: {
    message: string;
    severity: AnnouncementSeverity;
    expiresAt: Date | null;
    createdBy: string | null;
  }): Promise<AnnouncementRow> {
    const [row] = await this.db.insert(announcements).values(values).returning();
    return row!;
  }

  async endAnnouncement(id: number, now: Date): Promise<AnnouncementRow | undefined> {
    const [row] = await this.db.select().from(announcements).where(eq(announcements.id, id));
    if (!row) return undefined;
    if (row.expiresAt && row.expiresAt <= now) return row;
    const [updated] = await this.db.update(announcements).set({ expiresAt: now }).where(eq(announcements.id, id)).returning();
    return updated;
  }

  /** Announcements in force at `now`, newest first. */
  activeAnnouncements(now: Date): Promise<AnnouncementRow[]> {
    return this.db
      .select()
      .from(announcements)
      .where(or(isNull(announcements.expiresAt), gt(announcements.expiresAt, now)))
      .orderBy(desc(announcements.createdAt));
  }

  recentAnnouncements(limit = 50): Promise<AnnouncementRow[]> {
    return this.db.select().from(announcements).orderBy(desc(announcements.createdAt)).limit(limit);
  }
}
