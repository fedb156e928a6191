/**
 * Media requests: created in Overseerr on behalf of the requesting user
 * (X-API-User, never silently as the admin) and recorded in our database;
 * listed, shown and cancelled with owner-or-admin rules; moved along by
 * Overseerr's webhook and, as the safety net, by `syncPending` (the
 * request-sync job). Every change publishes a domain event and counts in
 * medianest_media_requests_total.
 */
import { isDeepStrictEqual } from 'node:util';
import type { MediaType, RequestStatus } from '../../db/schema';
import { AppError, errorMessage } from '../../errors';
import type { OverseerrClient, OverseerrMediaRequest } from '../../integrations/overseerr';
import { MediaStatus, overseerrName } from '../../integrations/overseerr';
import { analytics, type MediaRequestSource } from '../../observability/metrics/analytics';
import { setGaugeSource } from '../../observability/metrics/catalog';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import type { PlayLinks } from '../plex/play-links';
import type { User } from '../users/user';
import type { MediaService } from './media.service';
import type { OverseerrUserLinker } from './overseerr-users';
import type { RequestQuotas } from './request-quota';
import { ApprovalFollowUps } from './approval-follow-up';
import { ESTIMATE_WINDOW, estimateFrom } from './fulfilment-estimate';
import { progressFromOverseerr } from './request-progress';
import { standingFor, statusFromOverseerr } from './request-status';
import { DOWNLOADING_STATUSES, type MediaRequestRow, type MediaRequestsRepository, type MediaRequestWithUser } from './requests.repository';
import type { MediaRequestDetail, PublicMediaRequest, RequestPage, RequestQuota, TimelineEntry } from '@medianest/contracts';

/** Whether a request has stalled: approved more than `stalledAfterMs` ago, nothing downloading, not available. */
export function isStalled(
  r: Pick<MediaRequestRow, 'status' | 'approvedAt' | 'download'>,
  stalledAfterMs: number,
  now = Date.now(),
): boolean {
  return (
    DOWNLOADING_STATUSES.includes(r.status) &&
    r.approvedAt !== null &&
    r.approvedAt.getTime() < now - stalledAfterMs &&
    (r.download?.items.length ?? 0) === 0
  );
}

/**
 * When Overseerr last changed a request (its `updatedAt`, else `createdAt`):
 * the stall clock of an approval starts there, not when MediaNest heard of it
 * (a late poll or a lost webhook must not make a request look younger). A
 * time in the future or unreadable is taken as now.
 */
export function overseerrChangedAt(upstream: Pick<OverseerrMediaRequest, 'updatedAt' | 'createdAt'> | undefined, now = new Date()): Date {
  const ms = Date.parse(upstream?.updatedAt ?? upstream?.createdAt ?? '');
  return Number.isNaN(ms) || ms > now.getTime() ? now : new Date(ms);
}

export function toPublicRequest(r: MediaRequestWithUser, stalledAfterMs = Number.POSITIVE_INFINITY): PublicMediaRequest {
  return {
    id: r.id,
    mediaType: r.mediaType,
    tmdbId: r.tmdbId,
    title: r.title,
    posterPath: r.posterPath,
    seasons: r.seasons ?? null,
    status: r.status,
    overseerrId: r.overseerrId,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    download: r.download ?? null,
    stalled: isStalled(r, stalledAfterMs),
  };
}

export interface CreateRequestInput {
  mediaType: MediaType;
  tmdbId: number;
  seasons?: number[];
}

/** The forward path of a request; declined, failed and cancelled sit outside it. */
const PROGRESS: readonly RequestStatus[] = ['pending', 'approved', 'processing', 'available'];

/** Requests checked per sync run, and how many Overseerr calls run at once. */
const SYNC_BATCH = 500;
const SYNC_CONCURRENCY = 4;

export class RequestsService {
  private readonly followUps: ApprovalFollowUps;

  constructor(
    private readonly repo: MediaRequestsRepository,
    private readonly media: MediaService,
    private readonly events: EventBus,
    private readonly overseerr: OverseerrClient | undefined,
    private readonly linker: OverseerrUserLinker | undefined,
    private readonly playLinks: PlayLinks,
    /** REQUEST_STALLED_AFTER_HOURS in milliseconds. */
    private readonly stalledAfterMs: number,
    private readonly quotas: RequestQuotas,
    /** REQUEST_FOLLOW_UP_SECONDS in milliseconds: the first re-read of a request approved while its media is not PROCESSING yet. */
    followUpMs = 5_000,
  ) {
    this.followUps = new ApprovalFollowUps(followUpMs);
    setGaugeSource('medianest_requests_stalled', () => this.repo.countStalled(new Date(Date.now() - this.stalledAfterMs)));
  }

  /** `source`: who asked (the member in the web app, or MediaNest from their Plex watchlist), for the request counter. */
  async create(user: User, input: CreateRequestInput, source: MediaRequestSource = 'web'): Promise<PublicMediaRequest> {
    const overseerr = this.overseerr;
    if (!overseerr || !this.linker) throw AppError.notConfigured('Overseerr');
    const details = await this.media.overseerrDetails(input.mediaType, input.tmdbId);
    const mediaInfo = details.mediaType === 'movie' ? details.movie.mediaInfo : details.tv.mediaInfo;
    const title = details.mediaType === 'movie' ? details.movie.title : details.tv.name;
    const posterPath = (details.mediaType === 'movie' ? details.movie.posterPath : details.tv.posterPath) ?? null;

    if (details.mediaType === 'tv' && input.seasons) {
      const known = new Set(details.tv.seasons.map((s) => s.seasonNumber));
      const unknown = input.seasons.filter((n) => !known.has(n));
      if (unknown.length) throw AppError.badRequest(`${title} has no season ${unknown.join(', ')}`, { seasons: unknown });
    }
    if (mediaInfo?.status === MediaStatus.AVAILABLE) {
      throw AppError.conflict(`${title} is already available in Plex`, { reason: 'ALREADY_AVAILABLE' });
    }
    if (mediaInfo?.status === MediaStatus.BLOCKLISTED) {
      throw AppError.conflict(`${title} is blocklisted in Overseerr and cannot be requested`, { reason: 'BLOCKLISTED' });
    }

    const standing = standingFor(mediaInfo, await this.repo.findActiveForMedia(input.mediaType, input.tmdbId)).filter(
      (r) => input.mediaType === 'movie' || overlaps(r.seasons ?? null, input.seasons ?? null),
    );
    const own = standing.find((r) => r.userId === user.id);
    if (own) {
      throw AppError.conflict(`You already requested ${title}`, { reason: 'DUPLICATE_REQUEST', requestId: own.id });
    }
    // Requests made in Overseerr itself are Overseerr's to judge (its 409 says so): its media status can be stale —
    // PENDING after the last request was cancelled — while it accepts a new request.
    if (standing.length) {
      throw AppError.conflict(`${title} has already been requested`, { reason: 'ALREADY_REQUESTED' });
    }

    // Requests go to Overseerr as the user, so the owner's approval rules and quotas apply. Without a
    // matching Overseerr user we refuse instead of requesting as the admin (which Overseerr auto-approves).
    const overseerrUserId = await this.linker.require(user);

    let created: OverseerrMediaRequest;
    try {
      created = await overseerr.createRequest(
        { mediaType: input.mediaType, tmdbId: input.tmdbId, seasons: input.seasons },
        overseerrUserId,
      );
    } catch (err) {
      // Overseerr refused or failed: what it knows of the title may have changed (someone else requested it), so the
      // cached details must not keep showing the old availability.
      await this.media.invalidate(input.mediaType, input.tmdbId);
      if (err instanceof AppError && err.code === 'QUOTA_EXCEEDED') {
        const seasonsAsked =
          details.mediaType === 'tv' ? (input.seasons?.length ?? details.tv.seasons.filter((s) => s.seasonNumber > 0).length) : undefined;
        throw await this.quotas.overQuota(user, input.mediaType, err, seasonsAsked);
      }
      throw err;
    }
    await this.quotas.invalidate(user.id);
    const status = statusFromOverseerr(created);
    const approved = DOWNLOADING_STATUSES.includes(status) || status === 'available';
    const row = await this.repo.create({
      userId: user.id,
      mediaType: input.mediaType,
      tmdbId: input.tmdbId,
      title,
      posterPath,
      seasons: input.mediaType === 'tv' ? (input.seasons ?? null) : null,
      status,
      overseerrId: created.id,
      approvedAt: approved ? overseerrChangedAt(created) : null,
      autoApproved: approved,
    });
    await this.repo.addEvent(row.id, 'requested', user.username, row.createdAt);
    // Approved at once (the member may auto-approve): the approver is the member themself in Overseerr's eyes.
    if (approved) await this.repo.addEvent(row.id, 'approved', overseerrName(created.modifiedBy) ?? user.username, row.createdAt);
    if (status === 'approved') this.followUp(created.id);
    await this.media.invalidate(input.mediaType, input.tmdbId);
    this.events.publish('request.created', {
      requestId: row.id,
      userId: user.id,
      mediaType: row.mediaType,
      tmdbId: row.tmdbId,
      title: row.title,
      status: row.status,
    });
    analytics.trackMediaRequest(user.id, row.mediaType, source, status);
    return toPublicRequest({ ...row, requestedBy: { id: user.id, username: user.username } }, this.stalledAfterMs);
  }

  /** The caller's Overseerr request quotas (null: no limit). */
  quota(user: User): Promise<RequestQuota> {
    return this.quotas.forUser(user);
  }

  /** Own requests; administrators see everyone's. */
  async list(user: User, filter: { status?: RequestStatus; page: number; pageSize: number }): Promise<RequestPage> {
    const { rows, total } = await this.repo.list({
      userId: user.role === 'admin' ? undefined : user.id,
      status: filter.status,
      limit: filter.pageSize,
      offset: (filter.page - 1) * filter.pageSize,
    });
    return {
      requests: rows.map((r) => toPublicRequest(r, this.stalledAfterMs)),
      page: filter.page,
      pageSize: filter.pageSize,
      total,
      totalPages: Math.ceil(total / filter.pageSize),
    };
  }

  /**
   * One request with its timeline, for its owner or an administrator (others
   * get the same 404 as for a missing one). An available request whose Plex
   * rating key is not known yet (it became available by a webhook, which
   * carries none) asks Overseerr for it once, best effort.
   */
  async get(user: User, id: number): Promise<MediaRequestDetail> {
    let row = await this.visible(user, id);
    if (row.status === 'available' && !row.plexRatingKey && row.overseerrId !== null) {
      const upstream = await this.tryGetUpstream(row.overseerrId);
      const ratingKey = upstream?.media.ratingKey ?? null;
      if (ratingKey)
        row = { ...row, ...(await this.repo.updateProgress(row.id, { download: row.download ?? null, plexRatingKey: ratingKey })) };
    }
    return this.detail(row);
  }

  /**
   * Asks Overseerr to send a stalled or failed request to Radarr/Sonarr again
   * (administrators; the route checks the role). The retry is recorded on the
   * timeline and restarts the stall clock.
   */
  async retry(admin: User, id: number): Promise<MediaRequestDetail> {
    const row = await this.visible(admin, id);
    if (row.status !== 'failed' && !isStalled(row, this.stalledAfterMs)) {
      throw AppError.conflict(`Only failed or stalled requests can be retried; this one is ${row.status}`, { reason: 'NOT_RETRYABLE' });
    }
    if (row.overseerrId === null) throw AppError.conflict('This request was never sent to Overseerr', { reason: 'NOT_IN_OVERSEERR' });
    if (!this.overseerr) throw AppError.notConfigured('Overseerr');
    const upstream = await this.overseerr.retryRequest(row.overseerrId);
    if (!upstream) throw AppError.conflict('Overseerr no longer has this request', { reason: 'NOT_IN_OVERSEERR' });
    const now = new Date();
    await this.repo.addEvent(row.id, 'retried', admin.username, now);
    await this.repo.restartStallClock(row.id, now);
    const fresh = { ...row, approvedAt: now, updatedAt: now };
    const status = statusFromOverseerr(upstream);
    const updated =
      status !== row.status
        ? await this.applyStatus(fresh, status, 'admin', overseerrName(upstream.modifiedBy))
        : await this.applyProgress(fresh, upstream);
    logger().info(
      { event: 'request.retried', requestId: row.id, user_id: admin.id, overseerr_request_id: row.overseerrId },
      'Request retried in Overseerr',
    );
    return this.detail({ ...updated, requestedBy: row.requestedBy });
  }

  /**
   * The request-progress job (every 60 s, Overseerr's own download-sync
   * pace): reads each approved or processing request from Overseerr, applies
   * a status change with who made it, and stores the download progress and
   * Plex rating key. Only a change is published to the browser.
   */
  async refreshProgress(): Promise<{ checked: number; changed: number }> {
    const overseerr = this.overseerr;
    if (!overseerr) return { checked: 0, changed: 0 };
    const rows = await this.repo.findDownloading(SYNC_BATCH);
    let checked = 0;
    let changed = 0;
    await this.forEachRequest(rows, 'request_progress.item_failed', async (row) => {
      checked++;
      if ((await this.refreshOne(overseerr, row)).changed) changed++;
    });
    return { checked, changed };
  }

  /** Reads one approved or processing request from Overseerr and applies its status, progress and rating key. */
  private async refreshOne(overseerr: OverseerrClient, row: MediaRequestRow): Promise<{ changed: boolean; status: RequestStatus }> {
    const upstream = await overseerr.getRequest(row.overseerrId!);
    if (!upstream) {
      await this.applyStatus(row, 'cancelled', 'sync');
      return { changed: true, status: 'cancelled' };
    }
    const status = statusFromOverseerr(upstream);
    const before = [row.status, row.download ?? null, row.plexRatingKey];
    const after =
      status !== row.status
        ? await this.applyStatus(row, status, 'sync', overseerrName(upstream.modifiedBy), upstream)
        : await this.applyProgress(row, upstream);
    return { changed: !isDeepStrictEqual([after.status, after.download ?? null, after.plexRatingKey], before), status: after.status };
  }

  /**
   * Re-reads a request that is approved while its media is not PROCESSING yet
   * (Overseerr notifies before it updates the media), shortly and a few times,
   * so "processing" does not wait for the next request-progress run.
   */
  private followUp(overseerrId: number): void {
    const overseerr = this.overseerr;
    if (!overseerr) return;
    this.followUps.schedule(overseerrId, async () => {
      const row = await this.repo.findByOverseerrId(overseerrId);
      if (!row || row.status !== 'approved') return true;
      return (await this.refreshOne(overseerr, row)).status !== 'approved';
    });
  }

  /** Stops the follow-up timers (container close). */
  close(): void {
    this.followUps.close();
  }

  /** Cancels a pending request: deleted in Overseerr, kept here as `cancelled`. */
  async cancel(user: User, id: number): Promise<PublicMediaRequest> {
    const row = await this.visible(user, id);
    if (row.status !== 'pending') {
      throw AppError.conflict(`Only pending requests can be cancelled; this one is ${row.status}`, { reason: 'NOT_PENDING' });
    }
    if (row.overseerrId !== null) {
      if (!this.overseerr) throw AppError.notConfigured('Overseerr');
      await this.overseerr.deleteRequest(row.overseerrId);
      // A cancelled request no longer counts against its owner's quota.
      await this.quotas.invalidate(row.userId);
    }
    const updated = await this.applyStatus(
      row,
      'cancelled',
      user.role === 'admin' && row.userId !== user.id ? 'admin' : 'web',
      user.username,
    );
    return toPublicRequest({ ...updated, requestedBy: row.requestedBy });
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
      ? await this.tryGetUpstream(overseerrId)
      : undefined;
    for (const status of steps) {
      row = await this.applyStatus(row, status, source, overseerrName(upstream?.modifiedBy), upstream);
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
        await this.applyStatus(row, 'available', source);
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
    const overseerr = this.overseerr;
    if (!overseerr) return { checked: 0, updated: 0 };
    const rows = await this.repo.findUnsettled(SYNC_BATCH);
    let checked = 0;
    let updated = 0;
    await this.forEachRequest(rows, 'request_sync.item_failed', async (row) => {
      const upstream = await overseerr.getRequest(row.overseerrId!);
      checked++;
      const status: RequestStatus = upstream ? statusFromOverseerr(upstream) : 'cancelled';
      if (status !== row.status) {
        await this.applyStatus(row, status, 'sync', overseerrName(upstream?.modifiedBy), upstream);
        updated++;
      }
    });
    return { checked, updated };
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

  private async visible(user: User, id: number): Promise<MediaRequestWithUser> {
    const row = await this.repo.findById(id);
    if (!row || (row.userId !== user.id && user.role !== 'admin')) throw AppError.notFound('No such request');
    return row;
  }

  private async detail(row: MediaRequestWithUser): Promise<MediaRequestDetail> {
    const events = await this.repo.events(row.id);
    const timeline: TimelineEntry[] = events.map((e) => ({ step: e.step, actor: e.actor, at: e.at.toISOString() }));
    // Requests made before MediaNest kept a history still start with who asked, and when.
    if (!events.some((e) => e.step === 'requested')) {
      timeline.unshift({ step: 'requested', actor: row.requestedBy.username, at: row.createdAt.toISOString() });
    }
    const playUrl = row.status === 'available' ? await this.playLinks.forRatingKey(row.plexRatingKey) : null;
    const onItsWay = PROGRESS.includes(row.status) && row.status !== 'available';
    const estimate = onItsWay
      ? estimateFrom(row.mediaType, row.autoApproved, await this.repo.fulfilmentSeconds(row.mediaType, row.autoApproved, ESTIMATE_WINDOW))
      : null;
    return { ...toPublicRequest(row, this.stalledAfterMs), timeline, playUrl, estimate };
  }

  private async tryGetUpstream(overseerrId: number): Promise<OverseerrMediaRequest | undefined> {
    if (!this.overseerr) return undefined;
    try {
      return await this.overseerr.getRequest(overseerrId);
    } catch (err) {
      logger().debug(
        { event: 'request.upstream_read_failed', overseerr_request_id: overseerrId, err: errorMessage(err) },
        'Could not read a request from Overseerr',
      );
      return undefined;
    }
  }

  /** Stores progress and rating key read from Overseerr; publishes `request.progress` only when they changed. */
  private async applyProgress(row: MediaRequestRow, upstream: OverseerrMediaRequest): Promise<MediaRequestRow> {
    const download = progressFromOverseerr(upstream);
    const plexRatingKey = upstream.media.ratingKey ?? row.plexRatingKey ?? null;
    // Stored JSON comes back with its keys reordered, so compare values, not text.
    if (isDeepStrictEqual(download, row.download ?? null) && plexRatingKey === row.plexRatingKey) return row;
    const updated = (await this.repo.updateProgress(row.id, { download, plexRatingKey })) ?? row;
    if (!row.download?.items.length && download?.items.length) await this.repo.addEvent(row.id, 'downloading', null);
    this.events.publish('request.progress', {
      requestId: row.id,
      userId: row.userId,
      mediaType: row.mediaType,
      tmdbId: row.tmdbId,
      title: row.title,
      status: updated.status,
      download,
      stalled: isStalled(updated, this.stalledAfterMs),
    });
    return updated;
  }

  /**
   * Moves a request to `status`, records the step (and the approval a jump
   * from pending implies) on its timeline with who made it, and publishes
   * `request.updated`. With Overseerr's view of the request, its progress
   * and Plex rating key are stored too.
   */
  private async applyStatus(
    row: MediaRequestRow,
    status: RequestStatus,
    source: MediaRequestSource,
    actor: string | null = null,
    upstream?: OverseerrMediaRequest,
  ): Promise<MediaRequestRow> {
    if (row.status === status || row.status === 'cancelled') return row;
    const now = new Date();
    const reachesApproval = status === 'approved' || (row.status === 'pending' && (status === 'processing' || status === 'available'));
    // The approval happened when Overseerr says it did (a poll may hear of it long after); without its view, now.
    // Never before the request itself was made here.
    const approvedAt =
      upstream && reachesApproval ? new Date(Math.max(overseerrChangedAt(upstream, now).getTime(), row.createdAt.getTime())) : now;
    const download = upstream ? progressFromOverseerr(upstream) : (row.download ?? null);
    const plexRatingKey = upstream?.media.ratingKey ?? row.plexRatingKey ?? null;
    const updated =
      (await this.repo.updateStatus(row.id, status, {
        ...(reachesApproval ? { approvedAt } : {}),
        download: status === 'available' ? null : download,
        plexRatingKey,
      })) ?? row;
    if (reachesApproval && status !== 'approved') await this.repo.addEvent(row.id, 'approved', actor, approvedAt);
    const recorded = await this.repo.addEvent(
      row.id,
      status,
      status === 'approved' || status === 'declined' || status === 'cancelled' ? actor : null,
      status === 'approved' ? approvedAt : now,
    );
    // Available is recorded once: a second delivery of the same news (a retried webhook racing the sync job) stops here.
    if (status === 'available') {
      if (!recorded) return updated;
      analytics.trackRequestFulfilled(row.id, row.mediaType, (now.getTime() - row.createdAt.getTime()) / 1000);
    }
    if (!row.download?.items.length && download?.items.length && status !== 'available')
      await this.repo.addEvent(row.id, 'downloading', null, now);
    await this.media.invalidate(row.mediaType, row.tmdbId);
    this.events.publish('request.updated', {
      requestId: row.id,
      userId: row.userId,
      mediaType: row.mediaType,
      tmdbId: row.tmdbId,
      title: row.title,
      status,
      previousStatus: row.status,
      actor,
      download: updated.download ?? null,
      stalled: isStalled(updated, this.stalledAfterMs),
    });
    analytics.trackMediaRequest(row.userId, row.mediaType, source, status);
    return updated;
  }
}

/** Whether two season selections share a season (null = every season). */
function overlaps(a: number[] | null, b: number[] | null): boolean {
  if (a === null || b === null) return true;
  return a.some((n) => b.includes(n));
}
