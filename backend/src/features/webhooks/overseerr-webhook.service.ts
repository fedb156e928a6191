/**
 * What an Overseerr webhook means for MediaNest, once the route has checked
 * the secret and the payload's shape: a test, a type we do not track, a
 * problem report that moved (read again from Overseerr), a request that moved
 * through statuses, or a title found available without a request. Requests
 * not made through MediaNest answer `matched: false`, never an error, so
 * Overseerr does not log failures for them.
 */
import { AppError } from '../../errors';
import { logger } from '../../observability/logging/logger';
import type { IssuesService } from '../issues/issues.service';
import type { RequestSyncService } from '../media/request-sync.service';
import { actionFor, idFrom, type WebhookPayload } from './overseerr-webhook';

export type WebhookAnswer = { ok: true; ignored?: string; matched?: boolean };

export class OverseerrWebhookService {
  constructor(
    private readonly requests: Pick<RequestSyncService, 'applyOverseerrStatuses' | 'markTitleAvailable'>,
    private readonly issues: Pick<IssuesService, 'applyNotification'>,
  ) {}

  async apply(payload: WebhookPayload): Promise<WebhookAnswer> {
    const action = actionFor(payload);
    switch (action.kind) {
      case 'test':
        logger().info({ event: 'webhook.overseerr.test' }, 'Overseerr webhook test received');
        return { ok: true };
      case 'ignore':
        return { ok: true, ignored: payload.notification_type };
      case 'unknown':
        logger().warn(
          { event: 'webhook.overseerr.unknown_type', notification_type: payload.notification_type.slice(0, 64) },
          'Unknown Overseerr notification type',
        );
        throw AppError.badRequest(`Unknown notification_type ${payload.notification_type.slice(0, 64)}`);
      case 'issue':
        return this.applyIssue(payload, action.change);
      case 'status':
        return this.applyStatuses(payload, action.statuses);
    }
  }

  /** A problem a member reported: read it from Overseerr now and tell them what is new (comment, resolved, reopened). */
  private async applyIssue(
    payload: WebhookPayload,
    change: Parameters<IssuesService['applyNotification']>[0]['change'],
  ): Promise<WebhookAnswer> {
    const issueId = idFrom(payload.issue?.issue_id);
    if (issueId === undefined) {
      logger().warn(
        { event: 'webhook.overseerr.malformed', notification_type: payload.notification_type },
        'Issue webhook without an issue id',
      );
      throw AppError.badRequest('The payload names no issue (issue.issue_id)');
    }
    const status = payload.issue?.issue_status;
    const matched = await this.issues.applyNotification({
      change,
      overseerrIssueId: issueId,
      status: status === 'OPEN' || status === 'RESOLVED' ? status : undefined,
    });
    logger().info(
      { event: 'webhook.overseerr.received', notification_type: payload.notification_type, overseerr_issue_id: issueId, matched },
      'Overseerr webhook received',
    );
    return { ok: true, matched };
  }

  private async applyStatuses(payload: WebhookPayload, statuses: Parameters<RequestSyncService['applyOverseerrStatuses']>[1]) {
    const requestId = idFrom(payload.request?.request_id);
    if (requestId !== undefined) {
      const matched = await this.requests.applyOverseerrStatuses(requestId, statuses, 'webhook');
      logger().info(
        { event: 'webhook.overseerr.received', notification_type: payload.notification_type, overseerr_request_id: requestId, matched },
        'Overseerr webhook received',
      );
      return { ok: true as const, matched };
    }
    // MEDIA_AVAILABLE can arrive without a request (media found by a library scan): mark the title's requests.
    const tmdbId = idFrom(payload.media?.tmdbId);
    const mediaType = payload.media?.media_type;
    if (statuses.includes('available') && tmdbId !== undefined && (mediaType === 'movie' || mediaType === 'tv')) {
      const updated = await this.requests.markTitleAvailable(mediaType, tmdbId, 'webhook');
      return { ok: true as const, matched: updated > 0 };
    }
    logger().warn(
      { event: 'webhook.overseerr.malformed', notification_type: payload.notification_type },
      'Overseerr webhook without a request id',
    );
    throw AppError.badRequest('The payload names no request (request.request_id) or media (media.tmdbId)');
  }
}
