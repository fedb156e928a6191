/** A media request as the API answers it: the list entry, and the detail page with its timeline. */
import type { FulfilmentEstimate, MediaRequestDetail, PublicMediaRequest, TimelineEntry } from '@medianest/contracts';
import { isStalled } from './request-status';
import type { MediaRequestEventRow, MediaRequestWithUser } from './requests.repository';

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

/**
 * The detail page: the request, its timeline (requests made before MediaNest
 * kept a history still start with who asked, and when), where to play it, and
 * when it may be ready.
 */
export function toRequestDetail(
  row: MediaRequestWithUser,
  events: MediaRequestEventRow[],
  extra: { playUrl: string | null; estimate: FulfilmentEstimate | null; stalledAfterMs: number },
): MediaRequestDetail {
  const timeline: TimelineEntry[] = events.map((e) => ({ step: e.step, actor: e.actor, at: e.at.toISOString() }));
  if (!events.some((e) => e.step === 'requested')) {
    timeline.unshift({ step: 'requested', actor: row.requestedBy.username, at: row.createdAt.toISOString() });
  }
  return { ...toPublicRequest(row, extra.stalledAfterMs), timeline, playUrl: extra.playUrl, estimate: extra.estimate };
}
