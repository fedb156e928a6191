/**
 * Request sync: applies what Overseerr reports about requests made through
 * MediaNest — its webhook (statuses, a title found available), the
 * `request-sync` job (the safety net for Overseerr's never-retried, sometimes
 * early webhooks), the `request-progress` job (download progress, approvals
 * with who made them, availability with the Plex item) and the short
 * follow-ups after an approval.
 */
import { isDeepStrictEqual } from 'node:util';
import type { MediaType, RequestStatus } from '../../db/schema';
import { AppError, errorMessage } from '../../errors';
import { overseerrName } from '../../integrations/overseerr';
import type { MediaRequestSource } from '../../observability/metrics/analytics';
import { logger } from '../../observability/logging/logger';
import { ApprovalFollowUps } from './approval-follow-up';
import type { OverseerrGateway } from './overseerr-gateway';
import { statusFromOverseerr } from './request-status';
import type { RequestTransitions } from './request-transitions';
import type { MediaRequestRow, MediaRequestsRepository } from './requests.repository';

/** The forward path of a request; declined, failed and cancelled sit outside it. */
export const PROGRESS: readonly RequestStatus[] = ['pending', 'approved', 'processing', 'available'];

/** Requests checked per sync run, and how many Overseerr calls run at once. */
const SYNC_BATCH = 500;
const SYNC_CONCURRENCY = 4;

export class RequestSyncService {
  private readonly followUps: ApprovalFollowUps;

  constructor(
    private readonly repo: MediaRequestsRepository,
    private readonly overseerr: OverseerrGateway,
    private readonly transitions: RequestTransitions,
    /** REQUEST_FOLLOW_UP_SECONDS in milliseconds: the first re-read of a request approved while its media is not PROCESSING yet. */
    followUpMs = 5_000,
  ) {
    this.followUps = new ApprovalFollowUps(followUpMs);
  }

  /**
   * Moves our request with this Overseerr id through `statuses` (webhook).
   * A webhook is delivered once, in no guaranteed order: a step that would go
   * back along pending → approved → processing → available is stale and
   * skipped. Returns false when the request was not made through MediaNest.
   */
  async applyOverseerrStatuses(overseerrId: number, statuses: RequestStatus[], source: MediaRequestSource): Promise<boolean> {
    let row = await this.repo.findByOverseerrId(overseerrId);
    if (!row) return false;
    const steps = statuses.filter((status) => {
      const from = PROGRESS.indexOf(row!.status);
      const to = PROGRESS.indexOf(status);
      return !(from !== -1 && to !== -1 && to <= from) && status !== row!.status;
    });
    // The notification names no approver and no Plex item: ask Overseerr, best effort, when it matters.
    const upstream = steps.some((s) => s === 'approved' || s === 'declined' || s === 'available')
      ? await this.overseerr.tryRequest(overseerrId)
      : undefined;
    for (const status of steps) {
      row = await this.transitions.applyStatus(row, status, source, overseerrName(upstream?.modifiedBy), upstream);
    }
    if (row.status === 'approved') this.followUp(overseerrId);
    return true;
  }

  /** Marks every standing request for a title available (a MEDIA_AVAILABLE webhook without a request). */
  async markTitleAvailable(mediaType: MediaType, tmdbId: number, source: MediaRequestSource): Promise<number> {
    const rows = await this.repo.findActiveForMedia(mediaType, tmdbId);
    let changed = 0;
    for (const row of rows) {
      if (row.status !== 'available') {
        await this.transitions.applyStatus(row, 'available', source);
        changed++;
      }
    }
    return changed;
  }

  /**
   * The request-sync job: asks Overseerr about every request of ours that is
   * not settled yet and applies what changed (the webhook is sent once and
   * never retried, so this is the safety net). A request Overseerr no longer
   * has becomes `cancelled`. Stops with the error when Overseerr is down.
   */
  async syncPending(): Promise<{ checked: number; updated: number }> {
    if (!this.overseerr.configured) return { checked: 0, updated: 0 };
    const rows = await this.repo.findUnsettled(SYNC_BATCH);
    let checked = 0;
    let updated = 0;
    await this.forEachRequest(rows, 'request_sync.item_failed', async (row) => {
      const upstream = await this.overseerr.request(row.overseerrId!);
      checked++;
      const status: RequestStatus = upstream ? statusFromOverseerr(upstream) : 'cancelled';
      if (status !== row.status) {
        await this.transitions.applyStatus(row, status, 'sync', overseerrName(upstream?.modifiedBy), upstream);
        updated++;
      }
    });
    return { checked, updated };
  }

  /**
   * The request-progress job (every 60 s, Overseerr's own download-sync
   * pace): reads each approved or processing request from Overseerr, applies
   * a status change with who made it, and stores the download progress and
   * Plex rating key. Only a change is published to the browser.
   */
  async refreshProgress(): Promise<{ checked: number; changed: number }> {
    if (!this.overseerr.configured) return { checked: 0, changed: 0 };
    const rows = await this.repo.findDownloading(SYNC_BATCH);
    let checked = 0;
    let changed = 0;
    await this.forEachRequest(rows, 'request_progress.item_failed', async (row) => {
      checked++;
      if ((await this.refreshOne(row)).changed) changed++;
    });
    return { checked, changed };
  }

  /**
   * Re-reads a request that is approved while its media is not PROCESSING yet
   * (Overseerr notifies before it updates the media), shortly and a few times,
   * so "processing" does not wait for the next request-progress run.
   */
  followUp(overseerrId: number): void {
    if (!this.overseerr.configured) return;
    this.followUps.schedule(overseerrId, async () => {
      const row = await this.repo.findByOverseerrId(overseerrId);
      if (!row || row.status !== 'approved') return true;
      return (await this.refreshOne(row)).status !== 'approved';
    });
  }

  /** Stops the follow-up timers (container close). */
  close(): void {
    this.followUps.close();
  }

  /** Reads one approved or processing request from Overseerr and applies its status, progress and rating key. */
  private async refreshOne(row: MediaRequestRow): Promise<{ changed: boolean; status: RequestStatus }> {
    const upstream = await this.overseerr.request(row.overseerrId!);
    if (!upstream) {
      await this.transitions.applyStatus(row, 'cancelled', 'sync');
      return { changed: true, status: 'cancelled' };
    }
    const status = statusFromOverseerr(upstream);
    const before = [row.status, row.download ?? null, row.plexRatingKey];
    const after =
      status !== row.status
        ? await this.transitions.applyStatus(row, status, 'sync', overseerrName(upstream.modifiedBy), upstream)
        : await this.transitions.applyProgress(row, upstream);
    return { changed: !isDeepStrictEqual([after.status, after.download ?? null, after.plexRatingKey], before), status: after.status };
  }

  /**
   * Runs `handle` over `rows`, SYNC_CONCURRENCY at a time. A failure of one
   * request is logged as `failedEvent` and skipped; Overseerr being
   * unavailable stops the run and is rethrown (the job retries later).
   */
  private async forEachRequest(
    rows: MediaRequestRow[],
    failedEvent: string,
    handle: (row: MediaRequestRow) => Promise<void>,
  ): Promise<void> {
    let failure: unknown;
    const queue = [...rows];
    const worker = async () => {
      for (let row = queue.shift(); row && failure === undefined; row = queue.shift()) {
        try {
          await handle(row);
        } catch (err) {
          if (err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE') {
            failure = err;
            return;
          }
          logger().warn({ event: failedEvent, requestId: row.id, err: errorMessage(err) }, 'Could not sync one media request');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, rows.length) }, worker));
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what a worker caught, unchanged
    if (failure !== undefined) throw failure;
  }
}
