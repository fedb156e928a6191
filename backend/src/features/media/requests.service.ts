/**
 * What members do with media requests: create one in Overseerr on their
 * behalf (X-API-User, never silently as the admin) and record it here; list,
 * show and cancel with owner-or-admin rules; retry a stalled or failed one
 * (administrators); read their quotas. What Overseerr reports afterwards is
 * request-sync.service.ts's job; every change goes through
 * request-transitions.ts.
 */
import type { MediaRequestDetail, PublicMediaRequest, RequestPage, RequestQuota } from '@medianest/contracts';
import type { MediaType, RequestStatus } from '../../db/schema';
import { AppError } from '../../errors';
import { MediaStatus, overseerrName, type OverseerrMediaRequest } from '../../integrations/overseerr';
import { analytics, type MediaRequestSource } from '../../observability/metrics/analytics';
import { setGaugeSource } from '../../observability/metrics/catalog';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import type { PlayLinks } from '../plex/play-links';
import type { User } from '../users/user';
import { ESTIMATE_WINDOW, estimateFrom } from './fulfilment-estimate';
import type { OverseerrGateway } from './overseerr-gateway';
import type { RequestQuotas } from './request-quota';
import { isStalled, overseerrChangedAt, standingFor, statusFromOverseerr } from './request-status';
import { PROGRESS, type RequestSyncService } from './request-sync.service';
import { aboutRequest, type RequestTransitions } from './request-transitions';
import { toPublicRequest, toRequestDetail } from './requests.presenter';
import { DOWNLOADING_STATUSES, type MediaRequestsRepository, type MediaRequestWithUser } from './requests.repository';

export interface CreateRequestInput {
  mediaType: MediaType;
  tmdbId: number;
  seasons?: number[];
}

export class RequestsService {
  constructor(
    private readonly repo: MediaRequestsRepository,
    private readonly overseerr: OverseerrGateway,
    private readonly transitions: RequestTransitions,
    private readonly sync: Pick<RequestSyncService, 'followUp'>,
    private readonly events: EventBus,
    private readonly playLinks: PlayLinks,
    private readonly quotas: RequestQuotas,
    /** REQUEST_STALLED_AFTER_HOURS in milliseconds. */
    private readonly stalledAfterMs: number,
  ) {
    setGaugeSource('medianest_requests_stalled', () => this.repo.countStalled(new Date(Date.now() - this.stalledAfterMs)));
  }

  /** `source`: who asked (the member in the web app, or MediaNest from their Plex watchlist), for the request counter. */
  async create(user: User, input: CreateRequestInput, source: MediaRequestSource = 'web'): Promise<PublicMediaRequest> {
    const details = await this.overseerr.details(input.mediaType, input.tmdbId);
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

    let created: OverseerrMediaRequest;
    try {
      created = await this.overseerr.createAs(user, { mediaType: input.mediaType, tmdbId: input.tmdbId, seasons: input.seasons });
    } catch (err) {
      // Overseerr refused or failed: what it knows of the title may have changed (someone else requested it), so the
      // cached details must not keep showing the old availability.
      await this.overseerr.invalidate(input.mediaType, input.tmdbId);
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
    if (status === 'approved') this.sync.followUp(created.id);
    await this.overseerr.invalidate(input.mediaType, input.tmdbId);
    this.events.publish('request.created', { ...aboutRequest(row), status: row.status });
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
      const upstream = await this.overseerr.tryRequest(row.overseerrId);
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
    const upstream = await this.overseerr.retry(row.overseerrId);
    if (!upstream) throw AppError.conflict('Overseerr no longer has this request', { reason: 'NOT_IN_OVERSEERR' });
    const now = new Date();
    await this.repo.addEvent(row.id, 'retried', admin.username, now);
    await this.repo.restartStallClock(row.id, now);
    const fresh = { ...row, approvedAt: now, updatedAt: now };
    const status = statusFromOverseerr(upstream);
    const updated =
      status !== row.status
        ? await this.transitions.applyStatus(fresh, status, 'admin', overseerrName(upstream.modifiedBy))
        : await this.transitions.applyProgress(fresh, upstream);
    logger().info(
      { event: 'request.retried', requestId: row.id, user_id: admin.id, overseerr_request_id: row.overseerrId },
      'Request retried in Overseerr',
    );
    return this.detail({ ...updated, requestedBy: row.requestedBy });
  }

  /** Cancels a pending request: deleted in Overseerr, kept here as `cancelled`. */
  async cancel(user: User, id: number): Promise<PublicMediaRequest> {
    const row = await this.visible(user, id);
    if (row.status !== 'pending') {
      throw AppError.conflict(`Only pending requests can be cancelled; this one is ${row.status}`, { reason: 'NOT_PENDING' });
    }
    if (row.overseerrId !== null) {
      await this.overseerr.delete(row.overseerrId);
      // A cancelled request no longer counts against its owner's quota.
      await this.quotas.invalidate(row.userId);
    }
    const updated = await this.transitions.applyStatus(
      row,
      'cancelled',
      user.role === 'admin' && row.userId !== user.id ? 'admin' : 'web',
      user.username,
    );
    return toPublicRequest({ ...updated, requestedBy: row.requestedBy });
  }

  private async visible(user: User, id: number): Promise<MediaRequestWithUser> {
    const row = await this.repo.findById(id);
    if (!row || (row.userId !== user.id && user.role !== 'admin')) throw AppError.notFound('No such request');
    return row;
  }

  private async detail(row: MediaRequestWithUser): Promise<MediaRequestDetail> {
    const events = await this.repo.events(row.id);
    const playUrl = row.status === 'available' ? await this.playLinks.forRatingKey(row.plexRatingKey) : null;
    const onItsWay = PROGRESS.includes(row.status) && row.status !== 'available';
    const estimate = onItsWay
      ? estimateFrom(row.mediaType, row.autoApproved, await this.repo.fulfilmentSeconds(row.mediaType, row.autoApproved, ESTIMATE_WINDOW))
      : null;
    return toRequestDetail(row, events, { playUrl, estimate, stalledAfterMs: this.stalledAfterMs });
  }
}

/** Whether two season selections share a season (null = every season). */
function overlaps(a: number[] | null, b: number[] | null): boolean {
  if (a === null || b === null) return true;
  return a.some((n) => b.includes(n));
}
