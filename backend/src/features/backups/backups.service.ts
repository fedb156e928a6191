/**
 * Automatic backups of the embedded database while MediaNest runs (the
 * `database-backup` background job), what the Ops page shows about them, and
 * the metric an alert watches: the time of the newest backup, read from the
 * backup folder itself so it survives restarts and counts the backups the
 * admin command takes. With PostgreSQL there is nothing here to back up:
 * pg_dump does it outside MediaNest (docs/backups.md).
 */
import type { BackupsSummary } from '@medianest/contracts';
import { backupIfDue, backupsDir, BACKUP_CHECK_EVERY_MS, listBackups, type ScheduledBackups } from '../../db/backups';
import type { Database } from '../../db/client';
import { setGaugeSource } from '../../observability/metrics/catalog';
import { logger } from '../../observability/logging/logger';

export interface BackupSettings {
  dataDir: string;
  BACKUP_INTERVAL_HOURS: number;
  BACKUP_KEEP: number;
}

/**
 * The first automatic backup waits until the server has run this long: a start (or a test server)
 * is not slowed by a dump, and a process restarting in a loop does not fill the disk with backups.
 */
export const FIRST_BACKUP_AFTER_MS = 10 * 60_000;

export class BackupService {
  readonly mode: BackupsSummary['mode'];
  private readonly schedule: ScheduledBackups | undefined;
  private readonly startedAt = Date.now();

  constructor(settings: BackupSettings, database: Pick<Database, 'dumpEmbedded'>) {
    const dir = backupsDir(settings.dataDir);
    const dump = database.dumpEmbedded;
    this.mode = !dump ? 'external' : settings.BACKUP_INTERVAL_HOURS > 0 ? 'automatic' : 'off';
    this.schedule = dump ? { dir, dump, intervalMs: settings.BACKUP_INTERVAL_HOURS * 3600_000, keep: settings.BACKUP_KEEP } : undefined;
  }

  /** The background job's period while automatic backups are on: at most hourly, so a due backup is never an interval late. */
  get checkEveryMs(): number | undefined {
    if (this.mode !== 'automatic' || !this.schedule) return undefined;
    return Math.max(1000, Math.min(BACKUP_CHECK_EVERY_MS, this.schedule.intervalMs));
  }

  /** The background job: after the first FIRST_BACKUP_AFTER_MS of the process, runIfDue. */
  async runScheduled(now = Date.now()): Promise<void> {
    if (now - this.startedAt < FIRST_BACKUP_AFTER_MS) return;
    await this.runIfDue();
  }

  /** A backup when the newest is older than the interval, then the oldest beyond BACKUP_KEEP go. */
  async runIfDue(): Promise<void> {
    if (this.mode !== 'automatic' || !this.schedule) return;
    const { taken, removed } = await backupIfDue(this.schedule);
    if (!taken) return;
    logger().info(
      { event: 'backup.taken', file: taken.name, size_bytes: taken.sizeBytes, removed: removed.length },
      `Backed up the embedded database to ${taken.name} (${taken.sizeBytes} bytes)`,
    );
  }

  /** `medianest_backup_last_success_timestamp_seconds{database="embedded"}` while automatic backups are on (0: none yet). */
  registerMetrics(): void {
    const schedule = this.schedule;
    setGaugeSource(
      'medianest_backup_last_success_timestamp_seconds',
      this.mode === 'automatic' && schedule
        ? () => new Map([['embedded', (listBackups(schedule.dir)[0]?.takenAt.getTime() ?? 0) / 1000]])
        : undefined,
    );
  }

  summary(now = Date.now()): BackupsSummary {
    const backups = this.schedule ? listBackups(this.schedule.dir) : [];
    const latest = backups[0];
    return {
      mode: this.mode,
      intervalHours: this.mode === 'automatic' && this.schedule ? this.schedule.intervalMs / 3600_000 : null,
      keep: this.schedule?.keep ?? null,
      count: backups.length,
      latest: latest
        ? {
            file: latest.name,
            sizeBytes: latest.sizeBytes,
            takenAt: latest.takenAt.toISOString(),
            ageSeconds: Math.max(0, Math.round((now - latest.takenAt.getTime()) / 1000)),
          }
        : null,
    };
  }
}
