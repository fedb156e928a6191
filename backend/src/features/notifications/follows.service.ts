/**
 * "Notify me too": a member follows a request (their own, or any as an admin) by its id, or the
 * standing request for a title by naming the title, so request ids cannot be walked to list what
 * everyone asked for. Followers hear `followed.available` when it is ready.
 */
import type { FollowState, MediaType } from '@medianest/contracts';
import { AppError } from '../../errors';
import type { User } from '../users/user';
import type { NotificationsRepository, RequestSummary } from './notifications.repository';

type Title = { type: MediaType; tmdbId: number };

export class FollowsService {
  constructor(private readonly repo: NotificationsRepository) {}

  /** A request's follow state by its id: for its requester and administrators only (404 for anyone else, as its page answers). */
  async followState(user: User, requestId: number): Promise<FollowState> {
    return this.stateOf(user, await this.visibleRequest(user, requestId));
  }

  async follow(user: User, requestId: number, on: boolean): Promise<FollowState> {
    return this.set(user, await this.visibleRequest(user, requestId), on);
  }

  /** The standing request for a title (the newest), which any member may follow without learning who made it. */
  async titleFollowState(user: User, title: Title): Promise<FollowState> {
    return this.stateOf(user, await this.standingRequest(title));
  }

  async followTitle(user: User, title: Title, on: boolean): Promise<FollowState> {
    return this.set(user, await this.standingRequest(title), on);
  }

  private async set(user: User, summary: RequestSummary, on: boolean): Promise<FollowState> {
    await (on ? this.repo.follow(summary.id, user.id) : this.repo.unfollow(summary.id, user.id));
    return this.stateOf(user, summary);
  }

  private async visibleRequest(user: User, requestId: number): Promise<RequestSummary> {
    const summary = await this.repo.requestSummary(requestId);
    if (!summary || (summary.userId !== user.id && user.role !== 'admin')) throw AppError.notFound('No such request');
    return summary;
  }

  private async standingRequest(title: Title): Promise<RequestSummary> {
    const summary = await this.repo.standingRequestSummary(title.type, title.tmdbId);
    if (!summary) throw AppError.notFound('Nobody has requested this title');
    return summary;
  }

  private async stateOf(user: User, summary: RequestSummary): Promise<FollowState> {
    const followers = await this.repo.followers(summary.id);
    const { userId, requestedBy, ...rest } = summary;
    const mine = userId === user.id;
    return {
      request: { ...rest, requestedBy: mine || user.role === 'admin' ? requestedBy : null, mine },
      following: followers.includes(user.id),
      followers: followers.length,
    };
  }
}
