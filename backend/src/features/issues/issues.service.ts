/**
 * Problem reports: a member reports a problem with a title in Plex (video,
 * audio, subtitles or other; for a show, optionally one season or episode).
 * The issue is created in Overseerr on the member's behalf (X-API-User, like
 * requests), so it is theirs there: Overseerr's permission decides whether
 * they may, their name is on it, and they may comment. MediaNest adds what it
 * knows (service status, the member's latest failed calls with trace ids) and
 * remembers who reported which issue, so Overseerr's ISSUE_* webhooks reach
 * the member live.
 */
import type { MediaType } from '../../db/schema';
import { AppError, errorMessage } from '../../errors';
import { UpstreamClientError, upstreamMessage } from '../../integrations/http-client';
import {
  IssueStatus,
  IssueType,
  MediaStatus,
  overseerrName,
  type OverseerrClient,
  type OverseerrIssue,
} from '../../integrations/overseerr';
import { logger } from '../../observability/logging/logger';
import { recentFailuresOf } from '../../observability/recent-failures';
import type { EventBus } from '../../realtime/events';
import type { OverseerrGateway } from '../media/overseerr-gateway';
import type { OverseerrUserLinker } from '../media/overseerr-users';
import type { ServiceStatusService } from '../monitoring/service-status.service';
import type { User } from '../users/user';
import { IssueReconciler } from './issue-reconcile';
import type { MediaIssuesRepository } from './issues.repository';
import { problemMessage } from './problem-context';
import type {
  IssueType as IssueTypeName,
  ProblemReport,
  ProblemReportDetail,
  ProblemReportList,
  RealtimeEvents,
} from '@medianest/contracts';

const TYPE_NUMBERS: Record<IssueTypeName, number> = {
  video: IssueType.VIDEO,
  audio: IssueType.AUDIO,
  subtitles: IssueType.SUBTITLES,
  other: IssueType.OTHER,
};
const TYPE_NAMES = new Map(Object.entries(TYPE_NUMBERS).map(([name, n]) => [n, name as IssueTypeName]));
/** Reports listed at once (a member's own, most recently changed first). */
const LIST_SIZE = 50;

export const MISSING_PERMISSION_MESSAGE =
  'Overseerr does not let your account report problems yet. Ask the server owner to give you the "Report Issues" ' +
  'permission (CREATE_ISSUES) in Overseerr: Users → your account → Edit → Permissions.';

export interface CreateProblemInput {
  mediaType: MediaType;
  tmdbId: number;
  issueType: IssueTypeName;
  message: string;
  season?: number;
  episode?: number;
}

/** What an ISSUE_* webhook says, already parsed (its comment is not used: the report is read from Overseerr instead). */
export interface IssueNotification {
  change: RealtimeEvents['issue.updated']['change'];
  overseerrIssueId: number;
  status: 'OPEN' | 'RESOLVED' | undefined;
}

export class IssuesService {
  private readonly reconciler: IssueReconciler;

  constructor(
    private readonly repo: MediaIssuesRepository,
    private readonly titles: Pick<OverseerrGateway, 'details'>,
    private readonly overseerr: OverseerrClient | undefined,
    private readonly linker: OverseerrUserLinker | undefined,
    private readonly serviceStatus: ServiceStatusService,
    events: EventBus,
  ) {
    this.reconciler = new IssueReconciler(repo, overseerr, events);
  }

  async create(user: User, input: CreateProblemInput): Promise<ProblemReportDetail> {
    const { overseerr, overseerrUserId } = await this.asMember(user);
    const details = await this.titles.details(input.mediaType, input.tmdbId);
    const info = details.mediaType === 'movie' ? details.movie.mediaInfo : details.tv.mediaInfo;
    const title = details.mediaType === 'movie' ? details.movie.title : details.tv.name;
    const inPlex = info?.status === MediaStatus.AVAILABLE || (input.mediaType === 'tv' && info?.status === MediaStatus.PARTIALLY_AVAILABLE);
    if (!inPlex || info?.id === undefined) {
      throw AppError.conflict(`${title} is not in Plex yet: problems can be reported once it is available`, { reason: 'NOT_AVAILABLE' });
    }
    const message = problemMessage({
      message: input.message,
      reporter: user.username,
      season: input.season,
      episode: input.episode,
      services: await this.serviceStatus.report(),
      failures: recentFailuresOf(user.id),
    });
    let issue: OverseerrIssue;
    try {
      issue = await overseerr.createIssue(
        {
          issueType: TYPE_NUMBERS[input.issueType],
          message,
          mediaId: info.id,
          problemSeason: input.season ?? 0,
          problemEpisode: input.episode ?? 0,
        },
        overseerrUserId,
      );
    } catch (err) {
      throw this.explain(err);
    }
    await this.repo.create({
      overseerrIssueId: issue.id,
      userId: user.id,
      mediaType: input.mediaType,
      tmdbId: input.tmdbId,
      title,
      issueType: input.issueType,
      status: 'open',
      // The member's own first comment: only later comments by others are announced to them.
      lastCommentId: (issue.comments ?? []).reduce((n, c) => Math.max(n, c.id), 0),
    });
    logger().info(
      { event: 'issue.reported', user_id: user.id, overseerr_issue_id: issue.id, issue_type: input.issueType, mediaType: input.mediaType },
      'Problem reported in Overseerr',
    );
    return this.detail(issue, overseerrUserId, title);
  }

  /** The member's own reports, from Overseerr (those it lists for them that they created); `canReport` false when Overseerr refuses them (no CREATE_ISSUES). */
  async list(user: User): Promise<ProblemReportList> {
    const { overseerr, overseerrUserId } = await this.asMember(user);
    let issues: OverseerrIssue[];
    try {
      issues = await overseerr.issuesBy(overseerrUserId, LIST_SIZE);
    } catch (err) {
      if (err instanceof UpstreamClientError && err.upstreamStatus === 403) return { issues: [], canReport: false };
      throw err;
    }
    const ours = new Map((await this.repo.findByOverseerrIds(issues.map((i) => i.id))).map((r) => [r.overseerrIssueId, r]));
    return {
      issues: await Promise.all(issues.map(async (i) => this.summary(i, ours.get(i.id)?.title ?? (await this.titleOf(i))))),
      canReport: true,
    };
  }

  /** One report with its comments; someone else's (Overseerr's 403) is the same 404 as a missing one. */
  async get(user: User, id: number): Promise<ProblemReportDetail> {
    const { overseerr, overseerrUserId } = await this.asMember(user);
    const title = await this.ownTitle(user, id, overseerr, overseerrUserId);
    let issue: OverseerrIssue;
    try {
      issue = await overseerr.issue(id, overseerrUserId);
    } catch (err) {
      if (err instanceof UpstreamClientError && (err.upstreamStatus === 403 || err.upstreamStatus === 404)) {
        throw AppError.notFound('No such problem report');
      }
      throw err;
    }
    return this.detail(await this.withResolver(issue, overseerr, overseerrUserId), overseerrUserId, title ?? (await this.titleOf(issue)));
  }

  /**
   * GET /issue/{id} never says who resolved an issue (no `modifiedBy`), while
   * the list does: for a resolved issue the resolver is read from the
   * member's list, so the report page names the same person as the list
   * instead of flipping to nobody. Best effort: unknown stays unknown.
   */
  private async withResolver(issue: OverseerrIssue, overseerr: OverseerrClient, overseerrUserId: number): Promise<OverseerrIssue> {
    if (issue.status !== IssueStatus.RESOLVED || issue.modifiedBy !== undefined) return issue;
    try {
      const listed = (await overseerr.issuesBy(overseerrUserId, LIST_SIZE)).find((i) => i.id === issue.id);
      return listed?.modifiedBy !== undefined ? { ...issue, modifiedBy: listed.modifiedBy } : issue;
    } catch (err) {
      logger().debug(
        { event: 'issue.resolver_read_failed', overseerr_issue_id: issue.id, err: errorMessage(err) },
        'Could not read who resolved an issue',
      );
      return issue;
    }
  }

  async comment(user: User, id: number, message: string): Promise<ProblemReportDetail> {
    const { overseerr, overseerrUserId } = await this.asMember(user);
    const title = await this.ownTitle(user, id, overseerr, overseerrUserId);
    let issue: OverseerrIssue;
    try {
      issue = await overseerr.commentOnIssue(id, message.trim(), overseerrUserId);
    } catch (err) {
      if (err instanceof UpstreamClientError && err.upstreamStatus === 404) throw AppError.notFound('No such problem report');
      throw this.explain(err);
    }
    return this.detail(issue, overseerrUserId, title ?? (await this.titleOf(issue)));
  }

  /**
   * Checks that issue `id` is the member's own before asking Overseerr about
   * it (Overseerr answers 500 for an id it does not have, which would count
   * against its breaker): reported through MediaNest by them, or among their
   * issues in Overseerr. Returns the title MediaNest stored, if any; a 404
   * for anything else.
   */
  private async ownTitle(user: User, id: number, overseerr: OverseerrClient, overseerrUserId: number): Promise<string | undefined> {
    const ours = await this.repo.findByOverseerrId(id);
    if (ours?.userId === user.id) return ours.title;
    let theirs: OverseerrIssue[] = [];
    try {
      theirs = await overseerr.issuesBy(overseerrUserId, LIST_SIZE);
    } catch (err) {
      if (!(err instanceof UpstreamClientError && err.upstreamStatus === 403)) throw err;
    }
    if (!theirs.some((i) => i.id === id)) throw AppError.notFound('No such problem report');
    return undefined;
  }

  /**
   * An ISSUE_* webhook: a reason to read the report from Overseerr now, so the
   * member who reported it through MediaNest hears at once what is new
   * (`issue.updated`: comments by others, resolved, reopened; never their own
   * comment echoed back, nor the report they just made). When Overseerr cannot
   * be read, the status the webhook names is applied; its comment waits for
   * the issue-sync job. False for issues not reported through MediaNest.
   */
  async applyNotification(n: IssueNotification): Promise<boolean> {
    const row = await this.repo.findByOverseerrId(n.overseerrIssueId);
    if (!row) return false;
    if (n.change === 'created') return true;
    try {
      await this.reconciler.reconcile(row);
    } catch (err) {
      logger().debug(
        { event: 'issue.read_failed', overseerr_issue_id: row.overseerrIssueId, err: errorMessage(err) },
        'Could not read a problem report from Overseerr; using the webhook',
      );
      if (n.status) await this.reconciler.applyStatus(row, n.status === 'RESOLVED' ? 'resolved' : 'open');
    }
    return true;
  }

  /** The issue-sync job: reports with recent activity reconciled with Overseerr. */
  reconcileRecent(): Promise<{ checked: number; changed: number }> {
    return this.reconciler.reconcileRecent();
  }

  private async asMember(user: User): Promise<{ overseerr: OverseerrClient; overseerrUserId: number }> {
    if (!this.overseerr || !this.linker) throw AppError.notConfigured('Overseerr');
    const overseerrUserId = await this.linker.require(user);
    return { overseerr: this.overseerr, overseerrUserId };
  }

  /** Overseerr's refusals in the member's words: no permission, or no such title there. */
  private explain(err: unknown): unknown {
    if (!(err instanceof UpstreamClientError)) return err;
    if (err.upstreamStatus === 403 || err.upstreamStatus === 401) {
      return new AppError(403, 'PERMISSION_MISSING', MISSING_PERMISSION_MESSAGE, {
        details: { reason: 'CREATE_ISSUES_MISSING', permission: 'CREATE_ISSUES' },
        cause: err,
      });
    }
    if (err.upstreamStatus === 404) {
      return AppError.conflict(`Overseerr does not know this title (${upstreamMessage(err.upstreamBody) ?? 'not found'})`, {
        reason: 'NOT_IN_OVERSEERR',
      });
    }
    return err;
  }

  private async titleOf(issue: OverseerrIssue): Promise<string> {
    const tmdbId = issue.media?.tmdbId;
    const type = issue.media?.mediaType;
    if (!tmdbId || (type !== 'movie' && type !== 'tv')) return 'Unknown title';
    try {
      const d = await this.titles.details(type, tmdbId);
      return d.mediaType === 'movie' ? d.movie.title : d.tv.name;
    } catch {
      return `TMDB ${tmdbId}`;
    }
  }

  private summary(issue: OverseerrIssue, title: string): ProblemReport {
    const resolved = issue.status === IssueStatus.RESOLVED;
    return {
      id: issue.id,
      mediaType: issue.media?.mediaType === 'tv' ? 'tv' : 'movie',
      tmdbId: issue.media?.tmdbId ?? 0,
      title,
      issueType: TYPE_NAMES.get(issue.issueType) ?? 'other',
      status: resolved ? 'resolved' : 'open',
      season: issue.problemSeason > 0 ? issue.problemSeason : null,
      episode: issue.problemEpisode > 0 ? issue.problemEpisode : null,
      createdAt: new Date(issue.createdAt).toISOString(),
      updatedAt: new Date(issue.updatedAt).toISOString(),
      resolvedBy: resolved && issue.modifiedBy ? (overseerrName(issue.modifiedBy) ?? 'someone') : null,
    };
  }

  private detail(issue: OverseerrIssue, overseerrUserId: number, title: string): ProblemReportDetail {
    return {
      ...this.summary(issue, title),
      comments: (issue.comments ?? []).map((c) => ({
        id: c.id,
        author: overseerrName(c.user) ?? 'someone',
        message: c.message,
        createdAt: new Date(c.createdAt).toISOString(),
        mine: c.user?.id === overseerrUserId,
      })),
    };
  }
}
