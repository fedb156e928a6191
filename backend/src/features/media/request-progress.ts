/**
 * Download progress as MediaNest shows it, read from the queue records
 * Overseerr attaches to a request's media (`downloadStatus`).
 */
import type { DownloadItem, DownloadProgress } from '../../db/schema';
import { MediaRequestStatus, type OverseerrMediaRequest } from '../../integrations/overseerr';
import { availabilityFromMediaStatus } from './request-status';

type SeasonState = DownloadProgress['seasons'][number]['state'];

/**
 * A season's state from its Overseerr MediaStatus. Seerr has a season row
 * only once a scan saw the season, so while an approved request is being
 * processed there is none (or an UNKNOWN one): the season is processing
 * then, not pending.
 */
function seasonState(mediaStatus: number | undefined, approved: boolean): SeasonState {
  const availability = availabilityFromMediaStatus(mediaStatus);
  if (availability === 'processing' || availability === 'partially_available' || availability === 'available') return availability;
  return approved ? 'processing' : 'pending';
}

function percentOf(size: number, sizeLeft: number): number {
  if (!(size > 0)) return 0;
  const done = Math.min(size, Math.max(0, size - sizeLeft));
  return Math.round((done / size) * 1000) / 10;
}

function isoOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * The progress of one Overseerr request: one item per queue record (per
 * episode for TV), overall percent weighted by size, the latest ETA, and for
 * TV each requested season's state (episodes of other requests' seasons of the
 * same show are left out). Null for a movie with nothing queued. (Overseerr sends `[]` when nothing is queued; older
 * versions and restarts may omit the field.)
 */
export function progressFromOverseerr(
  request: Pick<OverseerrMediaRequest, 'type' | 'status' | 'seasons' | 'media'>,
): DownloadProgress | null {
  // The queue belongs to the media, not the request: a TV request shows only its own seasons' episodes.
  const requested = new Set((request.seasons ?? []).map((s) => s.seasonNumber));
  const queue = (request.media.downloadStatus ?? []).filter(
    (q) => request.type !== 'tv' || requested.size === 0 || (q.episode != null && requested.has(q.episode.seasonNumber)),
  );
  const items: DownloadItem[] = queue
    .map((q) => ({
      title: q.title,
      status: q.status,
      size: q.size,
      sizeLeft: q.sizeLeft,
      percent: percentOf(q.size, q.sizeLeft),
      estimatedCompletionAt: isoOrNull(q.estimatedCompletionTime),
      seasonNumber: q.episode?.seasonNumber ?? null,
      episodeNumber: q.episode?.episodeNumber ?? null,
    }))
    .sort((a, b) => (a.seasonNumber ?? 0) - (b.seasonNumber ?? 0) || (a.episodeNumber ?? 0) - (b.episodeNumber ?? 0));
  const seasons = seasonStates(request);
  if (items.length === 0 && seasons.length === 0) return null;
  const size = items.reduce((n, i) => n + i.size, 0);
  const left = items.reduce((n, i) => n + i.sizeLeft, 0);
  const etas = items
    .map((i) => i.estimatedCompletionAt)
    .filter((e): e is string => e !== null)
    .sort();
  return { percent: percentOf(size, left), estimatedCompletionAt: etas.at(-1) ?? null, items, seasons };
}

/** TV: each requested season's state, also when nothing is downloading. */
export function seasonStates(request: Pick<OverseerrMediaRequest, 'type' | 'status' | 'seasons' | 'media'>): DownloadProgress['seasons'] {
  if (request.type !== 'tv') return [];
  const approved = (status: number) => status === MediaRequestStatus.APPROVED || status === MediaRequestStatus.COMPLETED;
  return (request.seasons ?? []).map((s) => ({
    seasonNumber: s.seasonNumber,
    state: seasonState(
      request.media.seasons?.find((m) => m.seasonNumber === s.seasonNumber)?.status,
      approved(request.status) || approved(s.status),
    ),
  }));
}
