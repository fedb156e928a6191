/**
 * MediaNest's background jobs (run by the web process, or by the separate
 * worker process when JOBS_MODE=web splits them off):
 * - `request-sync` every REQUEST_SYNC_INTERVAL_SECONDS (60 s): asks Overseerr
 *   about requests still in progress (the safety net for Overseerr's
 *   never-retried, sometimes early webhooks);
 * - `request-progress` every REQUEST_PROGRESS_INTERVAL_SECONDS (60 s, the pace
 *   at which Overseerr itself reads the Radarr/Sonarr queues): download
 *   progress, approvals with who made them, availability with the Plex item,
 *   pushed to browsers on change;
 * - `issue-sync` every ISSUE_SYNC_INTERVAL_SECONDS (60 s): comments, resolution
 *   and reopening of problem reports with recent activity (ISSUE_COMMENT
 *   webhooks get lost);
 * - `service-health` every 60 s (SERVICE_CHECK_INTERVAL_SECONDS): probes Plex, Overseerr and the admin's extra
 *   URLs, records the results and announces status changes;
 * - `plex-sync` every 15 min: refreshes the cached Plex library;
 * - `notify-<kind>` on demand: one notification delivery each, retried with
 *   backoff; `notify-sweep` every 60 s queues again deliveries whose job was lost;
 * - `playback-history-prune` hourly: deletes plays older than PLAYBACK_HISTORY_DAYS;
 * - `watchlist-sync` every WATCHLIST_SYNC_INTERVAL_SECONDS (15 min): while the owner's switch is on,
 *   requests new titles from opted-in members' Plex watchlists (each once, recorded per member);
 * - `database-backup` hourly (embedded database, BACKUP_INTERVAL_HOURS > 0): a
 *   backup when the newest is older than the interval (not in the process's
 *   first 10 minutes), then pruning.
 * The collaborators are typed here by the one call each job makes, so a job is
 * defined exactly when the container provides its target.
 */
import type { Config } from './config';
import type { ServiceStatusService } from './features/monitoring/service-status.service';
import { probeTargets, type ProbeSources } from './features/monitoring/service-probes';
import { logger } from './observability/logging/logger';
import type { AttemptInfo, JobQueue } from './jobs/job-queue';
import { notificationChannelKinds } from '@medianest/contracts';
import { deliveryQueue } from './features/notifications/delivery-queue';

export const REQUEST_SYNC_EVERY_MS = 60_000;
export const REQUEST_PROGRESS_EVERY_MS = 60_000;
export const ISSUE_SYNC_EVERY_MS = 60_000;
export const SERVICE_HEALTH_EVERY_MS = 60_000;
export const PLEX_SYNC_EVERY_MS = 15 * 60_000;
export const NOTIFY_SWEEP_EVERY_MS = 60_000;
export const PLAYBACK_HISTORY_PRUNE_EVERY_MS = 60 * 60_000;

/** The playback history's retention (PLAYBACK_HISTORY_DAYS). */
export interface PlaybackHistoryTarget {
  prune(): Promise<number>;
}

/** The request-sync service's Overseerr reconciliation. */
export interface RequestSyncTarget {
  syncPending(): Promise<{ checked: number; updated: number }>;
  refreshProgress(): Promise<{ checked: number; changed: number }>;
}

/** The problem reports' Overseerr reconciliation. */
export interface IssueSyncTarget {
  reconcileRecent(): Promise<{ checked: number; changed: number }>;
}

/** The library service's cache refresh. */
export interface LibraryCacheTarget {
  refreshCaches(): Promise<void>;
}

/** The notifications feature's delivery and its safety net. */
export interface NotificationDeliveryTarget {
  deliver(deliveryId: number, attempt: AttemptInfo): Promise<void>;
  sweep(olderThanMs: number): Promise<number>;
  readonly jobOptions: { attempts: number; backoffMs: number };
}

/** Automatic requests from members' Plex watchlists (features/watchlist). */
export interface WatchlistSyncTarget {
  readonly checkEveryMs: number;
  readonly autoRequests: { run(): Promise<{ members: number; requested: number; refused: number }> };
}

/** The embedded database's automatic backups (features/backups). */
export interface BackupTarget {
  /** Undefined while automatic backups are off (or with PostgreSQL). */
  readonly checkEveryMs: number | undefined;
  /** Takes a backup when one is due (not in the process's first minutes). */
  runScheduled(): Promise<void>;
}

export interface BackgroundJobDeps extends ProbeSources {
  jobs: JobQueue;
  /** The jobs' periods (defaults: the *_EVERY_MS constants above). */
  config?: Pick<
    Config,
    'SERVICE_CHECK_INTERVAL_SECONDS' | 'REQUEST_PROGRESS_INTERVAL_SECONDS' | 'REQUEST_SYNC_INTERVAL_SECONDS' | 'ISSUE_SYNC_INTERVAL_SECONDS'
  >;
  serviceStatus: ServiceStatusService;
  requestSync?: RequestSyncTarget;
  issues?: IssueSyncTarget;
  library?: LibraryCacheTarget;
  notifications?: { delivery: NotificationDeliveryTarget };
  backups?: BackupTarget;
  playbackHistory?: PlaybackHistoryTarget;
  watchlist?: WatchlistSyncTarget;
}

/** Defines the jobs whose targets exist; returns the queue names defined. */
export function defineBackgroundJobs(deps: BackgroundJobDeps): string[] {
  const { jobs, serviceStatus, requestSync, issues, library, notifications, config } = deps;
  const defined: string[] = [];
  const every = (seconds: number | undefined, fallbackMs: number) => (seconds === undefined ? fallbackMs : Math.round(seconds * 1000));

  jobs.define({
    queue: 'service-health',
    jobType: 'probe-services',
    everyMs: every(config?.SERVICE_CHECK_INTERVAL_SECONDS, SERVICE_HEALTH_EVERY_MS),
    attempts: 2,
    backoffMs: 5_000,
    run: async () => {
      const monitored = await serviceStatus.monitored.listEnabled();
      await serviceStatus.checkAll(probeTargets({ plex: deps.plex, overseerr: deps.overseerr }, monitored));
    },
  });
  defined.push('service-health');

  if (requestSync) {
    jobs.define({
      queue: 'request-sync',
      jobType: 'sync-pending-requests',
      everyMs: every(config?.REQUEST_SYNC_INTERVAL_SECONDS, REQUEST_SYNC_EVERY_MS),
      attempts: 3,
      backoffMs: 10_000,
      run: async () => {
        const { checked, updated } = await requestSync.syncPending();
        const log = updated > 0 ? 'info' : 'debug';
        logger()[log]({ event: 'requests.synced', checked, updated }, `Request sync: ${updated} of ${checked} requests changed`);
      },
    });
    defined.push('request-sync');

    jobs.define({
      queue: 'request-progress',
      jobType: 'refresh-request-progress',
      everyMs: every(config?.REQUEST_PROGRESS_INTERVAL_SECONDS, REQUEST_PROGRESS_EVERY_MS),
      attempts: 1,
      backoffMs: 10_000,
      run: async () => {
        const { checked, changed } = await requestSync.refreshProgress();
        logger().debug(
          { event: 'requests.progress_refreshed', checked, changed },
          `Request progress: ${changed} of ${checked} requests changed`,
        );
      },
    });
    defined.push('request-progress');
  }

  if (issues) {
    jobs.define({
      queue: 'issue-sync',
      jobType: 'reconcile-issues',
      everyMs: every(config?.ISSUE_SYNC_INTERVAL_SECONDS, ISSUE_SYNC_EVERY_MS),
      attempts: 1,
      backoffMs: 10_000,
      run: async () => {
        const { checked, changed } = await issues.reconcileRecent();
        logger()[changed > 0 ? 'info' : 'debug'](
          { event: 'issues.synced', checked, changed },
          `Problem report sync: ${changed} of ${checked} reports changed`,
        );
      },
    });
    defined.push('issue-sync');
  }

  if (library) {
    jobs.define({
      queue: 'plex-sync',
      jobType: 'refresh-library-caches',
      everyMs: PLEX_SYNC_EVERY_MS,
      attempts: 3,
      backoffMs: 30_000,
      run: () => library.refreshCaches(),
    });
    defined.push('plex-sync');
  }

  if (notifications) {
    const { delivery } = notifications;
    // One queue per channel kind: an SMTP outage retrying in the background never holds up a Discord message.
    for (const kind of notificationChannelKinds) {
      jobs.define({
        queue: deliveryQueue(kind),
        jobType: 'deliver-notification',
        ...delivery.jobOptions,
        run: (data, attempt) => delivery.deliver(Number(data.deliveryId), attempt),
      });
      defined.push(deliveryQueue(kind));
    }
    // Deliveries whose job was lost (Redis unreachable when queued, or a restart without Redis) are queued again.
    jobs.define({
      queue: 'notify-sweep',
      jobType: 'requeue-pending-notifications',
      everyMs: NOTIFY_SWEEP_EVERY_MS,
      attempts: 1,
      backoffMs: 1_000,
      run: () => delivery.sweep(NOTIFY_SWEEP_EVERY_MS),
    });
    defined.push('notify-sweep');
  }

  if (deps.playbackHistory) {
    const history = deps.playbackHistory;
    jobs.define({
      queue: 'playback-history-prune',
      jobType: 'prune-playback-history',
      everyMs: PLAYBACK_HISTORY_PRUNE_EVERY_MS,
      attempts: 2,
      backoffMs: 60_000,
      run: async () => void (await history.prune()),
    });
    defined.push('playback-history-prune');
  }

  if (deps.watchlist) {
    const { autoRequests, checkEveryMs } = deps.watchlist;
    jobs.define({
      queue: 'watchlist-sync',
      jobType: 'request-from-watchlists',
      everyMs: checkEveryMs,
      attempts: 1,
      backoffMs: 60_000,
      run: async () => {
        const { members, requested, refused } = await autoRequests.run();
        logger()[requested > 0 ? 'info' : 'debug'](
          { event: 'watchlist.synced', members, requested, refused },
          `Watchlist requests: ${requested} requested, ${refused} refused for ${members} members`,
        );
      },
    });
    defined.push('watchlist-sync');
  }

  const backupEvery = deps.backups?.checkEveryMs;
  if (deps.backups && backupEvery !== undefined) {
    const backups = deps.backups;
    jobs.define({
      queue: 'database-backup',
      jobType: 'backup-embedded-database',
      everyMs: backupEvery,
      attempts: 3,
      backoffMs: 60_000,
      run: () => backups.runScheduled(),
    });
    defined.push('database-backup');
  }
  return defined;
}

/**
 * Defines the jobs and starts them. Processors run in this process unless
 * Redis is configured and JOBS_MODE=web (then `node dist/worker.js` runs them);
 * without Redis nothing else could, so the in-process queue always processes.
 */
export async function startBackgroundJobs(deps: BackgroundJobDeps, jobsMode: 'all' | 'web' | 'worker'): Promise<void> {
  const queues = defineBackgroundJobs(deps);
  const process = deps.jobs.backend === 'in-process' || jobsMode !== 'web';
  if (deps.jobs.backend === 'in-process' && jobsMode === 'web') {
    logger().warn({ event: 'jobs.mode.ignored' }, 'JOBS_MODE=web needs REDIS_URL; without Redis this process runs the jobs itself');
  }
  await deps.jobs.start({ process });
  logger().info({ event: 'jobs.started', backend: deps.jobs.backend, processing: process, queues }, 'Background jobs started');
}
