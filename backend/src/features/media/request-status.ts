/**
 * How Overseerr's numbers become MediaNest's words: a request's status
 * (pending → approved → processing → available, or declined/failed/cancelled)
 * and a title's availability as shown next to search results.
 */
import type { RequestStatus } from '../../db/schema';
import { MediaRequestStatus, MediaStatus, type OverseerrMediaInfo, type OverseerrMediaRequest } from '../../integrations/overseerr';
import { DOWNLOADING_STATUSES, type MediaRequestRow } from './requests.repository';

import type { Availability } from '@medianest/contracts';

/**
 * Our status for an Overseerr MediaRequest. An approved request follows its
 * media: AVAILABLE → available, PROCESSING / PARTIALLY_AVAILABLE → processing
 * (a TV request whose seasons are only partly there is still being filled;
 * the MEDIA_AVAILABLE webhook marks it available).
 */
export function statusFromOverseerr(request: Pick<OverseerrMediaRequest, 'status' | 'media'>): RequestStatus {
  switch (request.status) {
    case MediaRequestStatus.PENDING:
      return 'pending';
    case MediaRequestStatus.DECLINED:
      return 'declined';
    case MediaRequestStatus.FAILED:
      return 'failed';
    case MediaRequestStatus.COMPLETED:
      return 'available';
    case MediaRequestStatus.APPROVED:
    default:
      if (request.media.status === MediaStatus.AVAILABLE) return 'available';
      if (request.media.status === MediaStatus.PROCESSING || request.media.status === MediaStatus.PARTIALLY_AVAILABLE) {
        return 'processing';
      }
      return 'approved';
  }
}

/**
 * Availability from Overseerr's media info (null when Overseerr has never
 * seen the title). A PENDING media whose requests are known and none is open
 * is stale — Seerr leaves it PENDING when the last request is cancelled
 * while an older declined one remains, and accepts a new request — so it
 * reads as `none`. (Search results carry `requests: []`, which says nothing.)
 */
export function availabilityFromMediaInfo(info: OverseerrMediaInfo | null | undefined): Availability {
  const open = info?.requests?.some((r) => r.status === MediaRequestStatus.PENDING || r.status === MediaRequestStatus.APPROVED);
  if (info?.status === MediaStatus.PENDING && info.requests?.length && !open) return 'none';
  const fromStatus = availabilityFromMediaStatus(info?.status);
  if (fromStatus !== 'none') return fromStatus;
  return open ? 'requested' : 'none';
}

/** Availability from an Overseerr MediaStatus number (a title's or one season's). */
export function availabilityFromMediaStatus(status: number | undefined): Availability {
  switch (status) {
    case MediaStatus.AVAILABLE:
      return 'available';
    case MediaStatus.PARTIALLY_AVAILABLE:
      return 'partially_available';
    case MediaStatus.PROCESSING:
      return 'processing';
    case MediaStatus.PENDING:
      return 'requested';
    case MediaStatus.BLOCKLISTED:
      return 'blocklisted';
    default:
      // UNKNOWN, and DELETED: gone from Plex, requestable again.
      return 'none';
  }
}

/**
 * Our requests that still stand for a title as Overseerr sees it now: once
 * the title is DELETED from Plex, requests that made it available are
 * history (it may be requested again).
 */
export function standingFor<T extends { status: RequestStatus }>(info: OverseerrMediaInfo | null | undefined, ours: T[]): T[] {
  return info?.status === MediaStatus.DELETED ? ours.filter((r) => r.status !== 'available') : ours;
}

/** Combines Overseerr's view with requests in our own database (which may be newer than a cached answer). */
export function combineAvailability(fromOverseerr: Availability, ourStatuses: RequestStatus[]): Availability {
  if (fromOverseerr !== 'none' && fromOverseerr !== 'requested') return fromOverseerr;
  if (ourStatuses.includes('available')) return 'available';
  if (ourStatuses.includes('processing')) return 'processing';
  if (ourStatuses.length > 0 || fromOverseerr === 'requested') return 'requested';
  return 'none';
}

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
