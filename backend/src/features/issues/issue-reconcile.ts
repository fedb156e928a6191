/**
 * Problem reports reconciled with Overseerr: the member hears about every
 * comment someone else wrote, and about resolution and reopening, once —
 * whether the webhook came, came twice, or never came (Seerr sometimes sends
 * no ISSUE_COMMENT at all: it reads the comment before it is saved). A
 * webhook only makes it sooner: it triggers the same read of
 * `GET /issue/{id}` that the issue-sync job does for reports with recent
 * activity. The member's own comments (written in MediaNest or in Overseerr,
 * and echoed back by the webhook) are never announced to them.
 */
import type { IssueStatus as IssueStatusName } from '../../db/schema';
import { IssueStatus, overseerrName, type OverseerrClient, type OverseerrIssue } from '../../integrations/overseerr';
import { logger } from '../../observability/logging/logger';
import type { EventBus } from '../../realtime/events';
import type { MediaIssueRow, MediaIssuesRepository } from './issues.repository';

/** Open reports are re-read while they changed within this long; resolved ones (which may be reopened) a shorter while. */
const OPEN_WINDOW_MS = 30 * 86_400_000;
const RESOLVED_WINDOW_MS = 7 * 86_400_000;
const SYNC_BATCH = 200;

export class IssueReconciler {
  constructor(
    private readonly repo: MediaIssuesRepository,
    private readonly overseerr: OverseerrClient | undefined,
    private readonly events: EventBus,
  ) {}

  /** The issue-sync job: every report with recent activity. Stops at the first failure to read (Overseerr down). */
  async reconcileRecent(now = Date.now()): Promise<{ checked: number; changed: number }> {
    if (!this.overseerr) return { checked: 0, changed: 0 };
    const rows = await this.repo.findRecent(new Date(now - OPEN_WINDOW_MS), new Date(now - RESOLVED_WINDOW_MS), SYNC_BATCH);
    let changed = 0;
    for (const row of rows) if (await this.reconcile(row)) changed++;
    return { checked: rows.length, changed };
  }

  /**
   * Reads one report as the API key's admin and tells its member what is new:
   * each comment by someone else after the last one announced, and a change of
   * status. Returns whether anything was announced. Throws when Overseerr
   * cannot be read.
   */
  async reconcile(row: MediaIssueRow): Promise<boolean> {
    if (!this.overseerr) return false;
    const issue = await this.overseerr.issue(row.overseerrIssueId);
    const status: IssueStatusName = issue.status === IssueStatus.RESOLVED ? 'resolved' : 'open';
    const comments = await this.newComments(row, issue);
    // Comments first, with the status they were written under; a change of status follows as its own event.
    for (const c of comments) {
      this.publish(row, 'comment', row.status, {
        author: overseerrName(c.user) ?? 'someone',
        message: c.message.slice(0, 2000),
      });
    }
    const statusChanged = await this.applyStatus(row, status);
    return comments.length > 0 || statusChanged;
  }

  /** A status the webhook reported, when Overseerr could not be read: announced only by whoever changes it. */
  async applyStatus(row: MediaIssueRow, status: IssueStatusName): Promise<boolean> {
    if (!(await this.repo.changeStatus(row.id, status))) return false;
    this.publish(row, status === 'resolved' ? 'resolved' : 'reopened', status, null);
    return true;
  }

  /** Comments after the last announced one, by anyone but the reporter; claimed atomically so only one caller announces them. */
  private async newComments(row: MediaIssueRow, issue: OverseerrIssue) {
    const all = issue.comments ?? [];
    const newest = all.reduce((n, c) => Math.max(n, c.id), 0);
    const seen = row.lastCommentId;
    if (newest === 0 || (seen !== null && newest <= seen)) return [];
    if (!(await this.repo.advanceLastComment(row.id, seen, newest))) return [];
    // The first reconciliation of a report made before comment ids were kept sets the mark without announcing old comments.
    if (seen === null) return [];
    const reporter = issue.createdBy?.id;
    return all.filter((c) => c.id > seen && (reporter === undefined || c.user?.id !== reporter)).sort((a, b) => a.id - b.id);
  }

  private publish(
    row: MediaIssueRow,
    change: 'comment' | 'resolved' | 'reopened',
    status: IssueStatusName,
    comment: { author: string; message: string } | null,
  ): void {
    logger().debug({ event: 'issue.reconciled', overseerr_issue_id: row.overseerrIssueId, change }, 'Problem report changed in Overseerr');
    this.events.publish('issue.updated', { issueId: row.overseerrIssueId, userId: row.userId, title: row.title, change, status, comment });
  }
}
