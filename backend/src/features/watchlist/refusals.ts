/**
 * Why a watchlist title was not requested, in the contract's words, from the
 * title's state or from the error a request ended with (Overseerr's 403 and
 * 409 answers as RequestsService reports them).
 */
import type { Availability, WatchlistSkipReason } from '@medianest/contracts';
import { AppError } from '../../errors';

/** The reason a title in this state is not requested at all (undefined: it may be requested). */
export function skipReasonOf(availability: Availability): WatchlistSkipReason | undefined {
  switch (availability) {
    case 'available':
      return 'available';
    case 'requested':
    case 'processing':
      return 'already_requested';
    case 'blocklisted':
      return 'blocklisted';
    default:
      return undefined;
  }
}

/**
 * The reason behind a refused request, and whether the same refusal applies to every further title
 * of the member (`all`) or of the media type (`type`), so asking again is pointless.
 */
export function refusalOf(err: unknown): { reason: WatchlistSkipReason; scope: 'title' | 'type' | 'all' } {
  if (!(err instanceof AppError)) return { reason: 'failed', scope: 'all' };
  const reason = (err.details as { reason?: unknown } | undefined)?.reason;
  if (err.code === 'QUOTA_EXCEEDED') return { reason: 'quota', scope: 'type' };
  if (err.status === 403) return { reason: 'not_allowed', scope: 'all' };
  if (err.status === 409) {
    switch (reason) {
      case 'ALREADY_AVAILABLE':
        return { reason: 'available', scope: 'title' };
      case 'BLOCKLISTED':
        return { reason: 'blocklisted', scope: 'title' };
      case 'OVERSEERR_USER_NOT_LINKED':
        return { reason: 'not_linked', scope: 'all' };
      default:
        return { reason: 'already_requested', scope: 'title' };
    }
  }
  // An outage (503), a title Overseerr cannot load: nothing was decided; stop here and try another time.
  return { reason: 'failed', scope: 'all' };
}
