/**
 * The one place a media request changes: its status (with the timeline step
 * and who made it) or its download progress and Plex rating key. Every change
 * publishes a domain event (`request.updated`, `request.progress`), forgets
 * the title's cached details and counts in medianest_media_requests_total.
 */
import { isDeepStrictEqual } from 'node:util';
import type { RequestStatus } from '../../db/schema';
import type { OverseerrMediaRequest } from '../../integrations/overseerr';
import { analytics, type MediaRequestSource } from '../../observability/metrics/analytics';
import type { EventBus } from '../../realtime/events';
import type { OverseerrGateway } from './overseerr-gateway';
import { progressFromOverseerr } from './request-progress';
import { isStalled, overseerrChangedAt } from './request-status';
import type { MediaRequestRow, MediaRequestsRepository } from './requests.repository';

/** What every request event names: the request, its owner and its title. */
export function aboutRequest(row: Pick<MediaRequestRow, 'id' | 'userId' | 'mediaType' | 'tmdbId' | 'title'>) {
  return { requestId: row.id, userId: row.userId, mediaType: row.mediaType, tmdbId: row.tmdbId, title: row.title };
}

export class RequestTransitions {
  constructor(
    private readonly repo: MediaRequestsRepository,
    private readonly overseerr: Pick<OverseerrGateway, 'invalidate'>,
    private readonly events: EventBus,
    /** REQUEST_STALLED_AFTER_HOURS in milliseconds. */
    private readonly stalledAfterMs: number,
  ) {}

  /** Stores progress and rating key read from Overseerr; publishes `request.progress` only when they changed. */
  async applyProgress(row: MediaRequestRow, upstream: OverseerrMediaRequest): Promise<MediaRequestRow> {
    const download = progressFromOverseerr(upstream);
    const plexRatingKey = upstream.media.ratingKey ?? row.plexRatingKey ?? null;
    // Stored JSON comes back with its keys reordered, so compare values, not text.
    if (isDeepStrictEqual(download, row.download ?? null) && plexRatingKey === row.plexRatingKey) return row;
    const updated = (await this.repo.updateProgress(row.id, { download, plexRatingKey })) ?? row;
    if (!row.download?.items.length && download?.items.length) await this.repo.addEvent(row.id, 'downloading', null);
    this.events.publish('request.progress', {
      ...aboutRequest(row),
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
  async applyStatus(
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
    await this.overseerr.invalidate(row.mediaType, row.tmdbId);
    this.events.publish('request.updated', {
      ...aboutRequest(row),
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
