/**
 * A member's Plex watchlist in MediaNest: read from plex.tv with the member's
 * own Plex token (cached per member for WATCHLIST_TTL_SECONDS), each title
 * looked up in Overseerr for its availability and the member's request (the
 * same summary search results carry), and "Request all": every title not
 * available or requested yet, one after the other, as the member, within
 * their quota — what was requested, and what was left out and why.
 * A member without a Plex sign-in (or whose Plex token plex.tv no longer
 * accepts) gets an empty watchlist with the reason, not an error.
 */
import type {
  MediaDetails,
  MediaSummary,
  RequestQuota,
  WatchlistRequestAllResult,
  WatchlistResponse,
  WatchlistSkipReason,
  WatchlistUnavailableReason,
} from '@medianest/contracts';
import type { Cache } from '../../cache/cache';
import { AppError } from '../../errors';
import { upstreamFailureOf } from '../../integrations/http-client';
import type { PlexTvClient, PlexWatchlistItem } from '../../integrations/plex-tv';
import { mapLimited } from '../../resilience/map-limited';
import type { MediaService } from '../media/media.service';
import type { RequestsService } from '../media/requests.service';
import type { User } from '../users/user';
import type { WatchlistOwnerSettingsStore } from './owner-settings';
import type { MemberPlexToken, PlexTokens } from './plex-tokens';
import { refusalOf, skipReasonOf } from './refusals';

export const WATCHLIST_TTL_SECONDS = 60;
/** Overseerr lookups of one watchlist that run at once. */
const LOOKUP_CONCURRENCY = 4;

/** One title with what requesting it would cost against the member's quota (a show: its missing seasons). */
export interface WatchlistEntry {
  summary: MediaSummary;
  cost: number;
}

export type WatchlistRead =
  | { unavailable: WatchlistUnavailableReason; entries: []; unmatched: 0 }
  | { unavailable: null; entries: WatchlistEntry[]; unmatched: number };

type Remaining = Record<'movie' | 'tv', number | null>;

function summaryOf(d: MediaDetails): MediaSummary {
  const { tagline: _t, runtime: _r, genres: _g, status: _s, numberOfSeasons: _n, seasons: _seasons, ...summary } = d;
  return summary;
}

function costOf(d: MediaDetails): number {
  if (d.mediaType === 'movie') return 1;
  return d.seasons.filter((s) => s.seasonNumber > 0 && s.availability === 'none').length;
}

export class WatchlistService {
  constructor(
    private readonly plexTv: PlexTvClient,
    private readonly tokens: PlexTokens,
    private readonly media: MediaService,
    private readonly requests: RequestsService,
    private readonly owner: WatchlistOwnerSettingsStore,
    private readonly cache: Cache,
    private readonly overseerrConfigured: boolean,
  ) {}

  async list(user: User): Promise<WatchlistResponse> {
    const token = await this.tokens.find(user.id);
    return this.respond(token, await this.read(user, token));
  }

  /** Requests every title of the member's watchlist not available or requested yet, within their quota. */
  async requestAll(user: User): Promise<WatchlistRequestAllResult> {
    const token = await this.tokens.find(user.id);
    const before = await this.read(user, token);
    const requested: WatchlistRequestAllResult['requested'] = [];
    const skipped: WatchlistRequestAllResult['skipped'] = [];
    if (before.unavailable === null) {
      const remaining = remainingOf(await this.requests.quota(user));
      let stop: WatchlistSkipReason | undefined;
      for (const { summary, cost } of before.entries) {
        const ref = { mediaType: summary.mediaType, tmdbId: summary.tmdbId, title: summary.title };
        const reason = stop ?? skipReasonOf(summary.availability) ?? (cost === 0 ? 'available' : overQuota(remaining, summary, cost));
        if (reason) {
          skipped.push({ ...ref, reason });
          continue;
        }
        try {
          const request = await this.requests.create(user, { mediaType: summary.mediaType, tmdbId: summary.tmdbId }, 'watchlist');
          requested.push({ ...ref, requestId: request.id });
          spend(remaining, summary, cost);
        } catch (err) {
          const refusal = refusalOf(err);
          skipped.push({ ...ref, reason: refusal.reason });
          if (refusal.scope === 'type') remaining[summary.mediaType] = 0;
          if (refusal.scope === 'all') stop = refusal.reason;
        }
      }
    }
    const after = requested.length > 0 ? await this.read(user, token) : before;
    return { ...(await this.respond(token, after)), requested, skipped };
  }

  async setAutoRequest(user: User, enabled: boolean): Promise<WatchlistResponse['autoRequest']> {
    if (!(await this.tokens.setAutoRequest(user.id, enabled))) {
      throw AppError.conflict('Sign in with Plex first: MediaNest reads your watchlist with your Plex sign-in', {
        reason: 'NO_PLEX_SIGN_IN',
      });
    }
    return { offered: (await this.owner.get()).autoRequest, enabled };
  }

  /**
   * The member's watchlist titles with their state; `token` is the member's stored Plex token
   * (undefined: no Plex sign-in). Titles Plex knows no TMDB id for, or that Overseerr cannot
   * load, are counted in `unmatched`.
   */
  async read(user: User, token: MemberPlexToken | undefined): Promise<WatchlistRead> {
    if (!token) return { unavailable: 'no_plex_sign_in', entries: [], unmatched: 0 };
    if (!this.overseerrConfigured) return { unavailable: 'overseerr_not_configured', entries: [], unmatched: 0 };
    let items: PlexWatchlistItem[];
    try {
      items = await this.cache.wrap(this.key(user.id), WATCHLIST_TTL_SECONDS, () => this.plexTv.watchlist(token.token));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'GONE') throw err;
      // plex.tv refuses the token (the member signed out of Plex everywhere, or changed their password).
      await this.tokens.remove(user.id);
      return { unavailable: 'plex_sign_in_expired', entries: [], unmatched: 0 };
    }
    const seen = new Set<string>();
    const titles = items.filter((i): i is PlexWatchlistItem & { tmdbId: number } => {
      const key = `${i.mediaType}:${i.tmdbId}`;
      if (i.tmdbId === null || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const looked = await mapLimited(titles, LOOKUP_CONCURRENCY, (t) => this.lookUp(user, t));
    const entries = looked.filter((e): e is WatchlistEntry => e !== undefined);
    return { unavailable: null, entries, unmatched: items.length - seen.size + (titles.length - entries.length) };
  }

  /** The title as Overseerr knows it; undefined when Overseerr cannot load it (an id TMDB does not know). */
  private async lookUp(user: User, t: PlexWatchlistItem & { tmdbId: number }): Promise<WatchlistEntry | undefined> {
    try {
      const details = await this.media.details(user, t.mediaType, t.tmdbId);
      return { summary: summaryOf(details), cost: costOf(details) };
    } catch (err) {
      // Overseerr answers 500 for an id TMDB does not know: that title is left out, the rest still shows.
      if (upstreamFailureOf(err) === 'server_error') return undefined;
      throw err;
    }
  }

  private async respond(token: MemberPlexToken | undefined, read: WatchlistRead): Promise<WatchlistResponse> {
    const { autoRequest } = await this.owner.get();
    return {
      unavailable: read.unavailable,
      items: read.entries.map((e) => e.summary),
      unmatched: read.unmatched,
      autoRequest: { offered: autoRequest, enabled: token?.autoRequest ?? false },
    };
  }

  private key(userId: string): string {
    return `watchlist:${userId}`;
  }
}

export function remainingOf(quota: RequestQuota): Remaining {
  return { movie: quota.movie?.remaining ?? null, tv: quota.tv?.remaining ?? null };
}

/** 'quota' when requesting the title would go over what the member has left. */
export function overQuota(remaining: Remaining, t: Pick<MediaSummary, 'mediaType'>, cost: number): WatchlistSkipReason | undefined {
  const left = remaining[t.mediaType];
  return left !== null && left < cost ? 'quota' : undefined;
}

export function spend(remaining: Remaining, t: Pick<MediaSummary, 'mediaType'>, cost: number): void {
  const left = remaining[t.mediaType];
  if (left !== null) remaining[t.mediaType] = left - cost;
}
