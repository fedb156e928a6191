/**
 * Automatic requests from watchlists (the `watchlist-sync` job, once per
 * cluster, while the owner's switch is on): for every enabled member who
 * opted in, each title of their Plex watchlist that is not available or
 * requested yet is requested once, as the member, within their quota. The
 * watchlist_requests table records each title per member before Overseerr is
 * asked, so no title is requested twice, whichever replica runs the job and
 * however often it restarts. Overseerr's refusals (403: quota or permission;
 * 409: already requested, available, blocklisted) are recorded and never
 * tried again; a title over the member's quota waits for a later run; an
 * outage gives the claim back for the next run. The member hears about each
 * request through the notification system (`watchlist.requested`).
 */
import type { WatchlistSkipReason } from '@medianest/contracts';
import { errorMessage } from '../../errors';
import { logger } from '../../observability/logging/logger';
import type { RequestsService } from '../media/requests.service';
import type { User } from '../users/user';
import type { UsersRepository } from '../users/users.repository';
import type { AutoRequestsRepository } from './auto-requests.repository';
import { titleKey } from './auto-requests.repository';
import type { WatchlistOwnerSettingsStore } from './owner-settings';
import type { MemberPlexToken, PlexTokens } from './plex-tokens';
import { refusalOf, skipReasonOf } from './refusals';
import { overQuota, remainingOf, spend, type WatchlistService } from './watchlist.service';

/** What the member is told (DeliveryPlanner.planWatchlistRequested). */
export interface WatchlistRequestNotifier {
  planWatchlistRequested(r: { userId: string; requestId: number; title: string; mediaType: 'movie' | 'tv' }): Promise<number>;
}

export interface AutoRequestRun {
  members: number;
  requested: number;
  refused: number;
}

export class WatchlistAutoRequester {
  constructor(
    private readonly owner: WatchlistOwnerSettingsStore,
    private readonly tokens: PlexTokens,
    private readonly users: UsersRepository,
    private readonly watchlist: WatchlistService,
    private readonly requests: RequestsService,
    private readonly record: AutoRequestsRepository,
    private readonly notifier: WatchlistRequestNotifier,
  ) {}

  async run(): Promise<AutoRequestRun> {
    const run: AutoRequestRun = { members: 0, requested: 0, refused: 0 };
    if (!(await this.owner.get()).autoRequest) return run;
    for (const token of await this.tokens.optedIn()) {
      const user = await this.users.findById(token.userId);
      if (!user?.enabled) continue;
      run.members += 1;
      try {
        await this.forMember(user, token, run);
      } catch (err) {
        // One member's failure (plex.tv or Overseerr down) does not hold up the others; their next run tries again.
        logger().warn(
          { event: 'watchlist.auto_request.member_failed', user_id: user.id, err: errorMessage(err) },
          "Could not check a member's watchlist for automatic requests",
        );
      }
    }
    return run;
  }

  private async forMember(user: User, token: MemberPlexToken, run: AutoRequestRun): Promise<void> {
    const read = await this.watchlist.read(user, token);
    if (read.unavailable !== null) return;
    const recorded = await this.record.recordedFor(user.id);
    const fresh = read.entries.filter((e) => !recorded.has(titleKey(e.summary)) && !skipReasonOf(e.summary.availability) && e.cost > 0);
    if (fresh.length === 0) return;
    const remaining = remainingOf(await this.requests.quota(user));
    for (const { summary, cost } of fresh) {
      // Over the quota: left unrecorded, so a later run requests it once the quota frees up.
      if (overQuota(remaining, summary, cost)) continue;
      const claim = await this.record.claim(user.id, summary);
      if (claim === undefined) continue;
      let outcome: { requestId: number } | { reason: WatchlistSkipReason; scope: 'title' | 'type' | 'all' };
      try {
        const request = await this.requests.create(user, { mediaType: summary.mediaType, tmdbId: summary.tmdbId }, 'watchlist');
        outcome = { requestId: request.id };
      } catch (err) {
        outcome = refusalOf(err);
      }
      if ('requestId' in outcome) {
        await this.record.requested(claim, outcome.requestId);
        spend(remaining, summary, cost);
        run.requested += 1;
        await this.notifier.planWatchlistRequested({
          userId: user.id,
          requestId: outcome.requestId,
          title: summary.title,
          mediaType: summary.mediaType,
        });
        logger().info(
          { event: 'watchlist.auto_request.requested', user_id: user.id, request_id: outcome.requestId, media_type: summary.mediaType },
          "Requested a title from a member's Plex watchlist",
        );
        continue;
      }
      if (outcome.reason === 'failed' || outcome.reason === 'not_linked') {
        // Nothing was decided about the title (an outage, no Overseerr user yet): the next run asks again.
        await this.record.release(claim);
        return;
      }
      await this.record.refused(claim, outcome.reason);
      run.refused += 1;
      logger().info(
        { event: 'watchlist.auto_request.refused', user_id: user.id, reason: outcome.reason, media_type: summary.mediaType },
        'Overseerr refused an automatic request from a watchlist; it is not tried again',
      );
      if (outcome.scope === 'type') remaining[summary.mediaType] = 0;
      if (outcome.scope === 'all') return;
    }
  }
}
