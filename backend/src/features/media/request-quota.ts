/**
 * A member's Overseerr request quotas (GET /user/{id}/quota, read as the
 * member), cached briefly and forgotten after each request they make or cancel; and the
 * words for going over one, instead of Overseerr's bare "Movie Quota
 * exceeded.": how many they used over how many days, and when the next one
 * frees up (the oldest counting request's date plus the quota's days).
 */
import type { Cache } from '../../cache/cache';
import type { MediaType } from '../../db/schema';
import { AppError, errorMessage } from '../../errors';
import {
  MediaRequestStatus,
  type OverseerrClient,
  type OverseerrListedRequest,
  type OverseerrQuotaPart,
} from '../../integrations/overseerr';
import { logger } from '../../observability/logging/logger';
import type { User } from '../users/user';
import type { OverseerrUserLinker } from './overseerr-users';
import type { QuotaStanding, RequestQuota } from '@medianest/contracts';

export const QUOTA_TTL_SECONDS = 60;
/** Requests read to find when the next quota slot frees up (a quota larger than this is not a household's). */
const QUOTA_HISTORY = 100;
const DAY_MS = 86_400_000;

/** The standing for one quota; null when there is no limit (unset, or 0 for users who bypass quotas). */
export function standingOf(part: OverseerrQuotaPart): Omit<QuotaStanding, 'nextFreeAt'> | null {
  if (!part.limit || !part.days) return null;
  return {
    limit: part.limit,
    days: part.days,
    used: part.used,
    remaining: Math.max(0, part.remaining ?? part.limit - part.used),
  };
}

/**
 * When the next slot frees up: the requests counting against the quota (not
 * declined, made within `days`), oldest first; once the oldest leaves the
 * window its slots (a TV request: its seasons) are free again.
 */
export function nextFreeAt(requests: OverseerrListedRequest[], mediaType: MediaType, days: number, now = Date.now()): string | null {
  const since = now - days * DAY_MS;
  const counting = requests
    .filter((r) => r.type === mediaType && r.status !== MediaRequestStatus.DECLINED)
    .map((r) => Date.parse(r.createdAt))
    .filter((at) => !Number.isNaN(at) && at > since)
    .sort((a, b) => a - b);
  return counting.length ? new Date(counting[0]! + days * DAY_MS).toISOString() : null;
}

function formatWhen(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

export class RequestQuotas {
  constructor(
    private readonly overseerr: OverseerrClient | undefined,
    private readonly linker: OverseerrUserLinker | undefined,
    private readonly cache: Cache,
  ) {}

  /** The member's quotas; no limits when Overseerr is not configured or the member has no Overseerr user. */
  async forUser(user: User): Promise<RequestQuota> {
    const overseerr = this.overseerr;
    if (!overseerr || !this.linker) return { movie: null, tv: null };
    const overseerrUserId = await this.linker.link(user);
    if (overseerrUserId === undefined) return { movie: null, tv: null };
    return this.cache.wrap(this.key(user.id), QUOTA_TTL_SECONDS, async () => {
      const quota = await overseerr.quota(overseerrUserId);
      const movie = standingOf(quota.movie);
      const tv = standingOf(quota.tv);
      // Only a used-up quota needs the date; the request list is read only then.
      const history = movie?.remaining === 0 || tv?.remaining === 0 ? await overseerr.requestsBy(overseerrUserId, QUOTA_HISTORY) : [];
      return {
        movie: movie && { ...movie, nextFreeAt: movie.remaining === 0 ? nextFreeAt(history, 'movie', movie.days) : null },
        tv: tv && { ...tv, nextFreeAt: tv.remaining === 0 ? nextFreeAt(history, 'tv', tv.days) : null },
      };
    });
  }

  /** Forgets the member's cached quotas (after they made or cancelled a request). */
  async invalidate(userId: string): Promise<void> {
    await this.cache.delete(this.key(userId));
  }

  /**
   * Overseerr refused a request over quota: the same 403 with MediaNest's
   * words (what was used, over how many days, when the next one frees up),
   * read from a fresh quota; Overseerr's own words if that read fails.
   */
  async overQuota(user: User, mediaType: MediaType, refused: AppError, seasonsAsked?: number): Promise<AppError> {
    await this.invalidate(user.id);
    let standing: QuotaStanding | null = null;
    try {
      standing = (await this.forUser(user))[mediaType];
    } catch (err) {
      logger().debug({ event: 'quota.read_failed', err: errorMessage(err) }, 'Could not read the quota');
    }
    if (!standing) return refused;
    const what = `${mediaType === 'movie' ? 'movie' : 'TV season'} request${standing.limit === 1 ? '' : 's'}`;
    const period = standing.days === 1 ? 'the last day' : `the last ${standing.days} days`;
    const next = standing.nextFreeAt ? `; the next one frees up on ${formatWhen(standing.nextFreeAt)}` : '';
    const message =
      standing.remaining > 0 && seasonsAsked !== undefined && seasonsAsked > standing.remaining
        ? `This asks for ${seasonsAsked} seasons, but you have ${standing.remaining} of your ${standing.limit} ${what} left for ${period}. ` +
          'Request fewer seasons.'
        : `You have used your ${standing.limit} ${what} for ${period}${next}.`;
    return new AppError(403, 'QUOTA_EXCEEDED', message, { details: { reason: 'QUOTA_EXCEEDED', mediaType, ...standing }, cause: refused });
  }

  private key(userId: string): string {
    return `overseerr:quota:${userId}`;
  }
}
