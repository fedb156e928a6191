/**
 * Media requests: created in Overseerr on behalf of the requesting user
 * (X-API-User, never silently as the admin) and recorded in our database;
 * listed, shown and cancelled with owner-or-admin rules; moved along by
 * Overseerr's webhook and, as the safety net, by `syncPending` (the
 * request-sync job). Every change publishes a domain event and counts in
 * medianest_media_requests_total.
 */
import type { MediaType, RequestStatus } from '../../db/schema';
import { AppError } from '../../errors';
import type { OverseerrClient } from '../../integrations/overseerr';
import { MediaStatus } from '../../integrations/overseerr';
import { analytics, type MediaRequestSource } from '../../observability/metrics/analytics';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import type { User } from '../users/users.repository';
import type { MediaService } from './media.service';
import type { OverseerrUserLinker } from './overseerr-users';
import { statusFromOverseerr } from './request-status';
import type { MediaRequestRow, MediaRequestsRepository, MediaRequestWithUser } from './requests.repository';
import type { PublicMediaRequest, RequestPage } from '@medianest/contracts';

export function toPublicRequest(r: MediaRequestWithUser): PublicMediaRequest {
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
  constructor(
    private readonly repo: MediaRequestsRepository,
    private readonly media: MediaService,
    private readonly events: EventBus,
    private readonly overseerr: OverseerrClient | undefined,
    private readonly linker: OverseerrUserLinker | undefined,
  ) {}

  async create(user: User, input: CreateRequestInput): Promise<PublicMediaRequest> {
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

    const standing = (await this.repo.findActiveForMedia(input.mediaType, input.tmdbId)).filter(
      (r) => input.mediaType === 'movie' || overlaps(r.seasons ?? null, input.seasons ?? null),
    );
    const own = standing.find((r) => r.userId === user.id);
    if (own) {
      throw AppError.conflict(`You already requested ${title}`, { reason: 'DUPLICATE_REQUEST', requestId: own.id });
    }
    const requestedInOverseerr =
      input.mediaType === 'movie' && (mediaInfo?.status === MediaStatus.PENDING || mediaInfo?.status === MediaStatus.PROCESSING);
    if (standing.length || requestedInOverseerr) {
      throw AppError.conflict(`${title} has already been requested`, { reason: 'ALREADY_REQUESTED' });
    }

    // Requests go to Overseerr as the user, so the owner's approval rules and quotas apply. Without a
    // matching Overseerr user we refuse instead of requesting as the admin (which Overseerr auto-approves).
    const overseerrUserId = await this.linker.link(user);
    if (overseerrUserId === undefined) {
      throw AppError.conflict(
        'Your account is not linked to an Overseerr user (none has your Plex account or e-mail). ' +
          'Ask the server owner to import you into Overseerr, then try again.',
        { reason: 'OVERSEERR_USER_NOT_LINKED' },
      );
    }

    const created = await overseerr.createRequest(
      { mediaType: input.mediaType, tmdbId: input.tmdbId, seasons: input.seasons },
      overseerrUserId,
    );
    const status = statusFromOverseerr(created);
    const row = await this.repo.create({
      userId: user.id,
      mediaType: input.mediaType,
      tmdbId: input.tmdbId,
      title,
      posterPath,
      seasons: input.mediaType === 'tv' ? (input.seasons ?? null) : null,
      status,
      overseerrId: created.id,
    });
    await this.media.invalidate(input.mediaType, input.tmdbId);
    this.events.publish('request.created', {
      requestId: row.id,
      userId: user.id,
      mediaType: row.mediaType,
      tmdbId: row.tmdbId,
      title: row.title,
      status: row.status,
    });
    analytics.trackMediaRequest(user.id, row.mediaType, 'web', status);
    return toPublicRequest({ ...row, requestedBy: { id: user.id, username: user.username } });
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
      requests: rows.map(toPublicRequest),
      page: filter.page,
      pageSize: filter.pageSize,
      total,
      totalPages: Math.ceil(total / filter.pageSize),
    };
  }

  /** One request, for its owner or an administrator (others get the same 404 as for a missing one). */
  async get(user: User, id: number): Promise<PublicMediaRequest> {
    return toPublicRequest(await this.visible(user, id));
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
    }
    const updated = await this.applyStatus(row, 'cancelled', user.role === 'admin' && row.userId !== user.id ? 'admin' : 'web');
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
    for (const status of statuses) {
      const from = PROGRESS.indexOf(row.status);
      const to = PROGRESS.indexOf(status);
      if (from !== -1 && to !== -1 && to <= from) continue;
      row = await this.applyStatus(row, status, source);
    }
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
    let failure: unknown;
    const queue = [...rows];
    const worker = async () => {
      for (let row = queue.shift(); row && failure === undefined; row = queue.shift()) {
        try {
          const upstream = await overseerr.getRequest(row.overseerrId!);
          checked++;
          const status: RequestStatus = upstream ? statusFromOverseerr(upstream) : 'cancelled';
          if (status !== row.status) {
            await this.applyStatus(row, status, 'sync');
            updated++;
          }
        } catch (err) {
          if (err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE') {
            failure = err;
            return;
          }
          logger().warn(
            { event: 'request_sync.item_failed', requestId: row.id, err: err instanceof Error ? err.message : String(err) },
            'Could not sync one media request',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, rows.length) }, worker));
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what a worker caught, unchanged
    if (failure !== undefined) throw failure;
    return { checked, updated };
  }

  private async visible(user: User, id: number): Promise<MediaRequestWithUser> {
    const row = await this.repo.findById(id);
    if (!row || (row.userId !== user.id && user.role !== 'admin')) throw AppError.notFound('No such request');
    return row;
  }

  private async applyStatus(row: MediaRequestRow, status: RequestStatus, source: MediaRequestSource): Promise<MediaRequestRow> {
    if (row.status === status || row.status === 'cancelled') return row;
    const updated = (await this.repo.updateStatus(row.id, status)) ?? row;
    await this.media.invalidate(row.mediaType, row.tmdbId);
    this.events.publish('request.updated', {
      requestId: row.id,
      userId: row.userId,
      mediaType: row.mediaType,
      tmdbId: row.tmdbId,
      title: row.title,
      status,
      previousStatus: row.status,
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
