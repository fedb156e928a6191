/**
 * POST /api/v1/webhooks/overseerr: Overseerr tells us a request moved.
 * 404 NOT_CONFIGURED without OVERSEERR_WEBHOOK_SECRET, 401 without the
 * secret, 400 (and a log line) for a payload we do not understand, 200
 * otherwise — including requests not made through MediaNest, so Overseerr
 * does not log failures for them.
 */
import { Router } from 'express';
import { AppError } from '../../errors';
import { logger } from '../../observability/logging/logger';
import type { IssuesService } from '../issues/issues.service';
import type { RequestSyncService } from '../media/request-sync.service';
import { actionFor, idFrom, webhookAuthorized, webhookPayloadSchema } from './overseerr-webhook';

export function overseerrWebhookRouter(secret: string | undefined, requests: RequestSyncService, issues: IssuesService): Router {
  const router = Router();

  router.post('/overseerr', async (req, res) => {
    // 404, not 503: anyone can post here, and an install that never set a secret must not count their posts as its own failures.
    if (!secret)
      throw new AppError(404, 'NOT_CONFIGURED', 'The Overseerr webhook is not enabled on this server (OVERSEERR_WEBHOOK_SECRET)');
    if (!webhookAuthorized(req.get('authorization'), secret)) {
      logger().warn(
        { event: 'webhook.overseerr.unauthorized', ip: req.ip },
        'Overseerr webhook with a wrong or missing Authorization header',
      );
      throw AppError.unauthenticated('Wrong or missing webhook secret in the Authorization header');
    }
    const parsed = webhookPayloadSchema.safeParse(req.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message }));
      logger().warn({ event: 'webhook.overseerr.malformed', issues }, 'Malformed Overseerr webhook payload');
      throw new AppError(400, 'VALIDATION_FAILED', 'Invalid Overseerr webhook payload', { details: issues });
    }
    const payload = parsed.data;
    const action = actionFor(payload);
    switch (action.kind) {
      case 'test':
        logger().info({ event: 'webhook.overseerr.test' }, 'Overseerr webhook test received');
        res.json({ ok: true });
        return;
      case 'ignore':
        res.json({ ok: true, ignored: payload.notification_type });
        return;
      case 'unknown':
        logger().warn(
          { event: 'webhook.overseerr.unknown_type', notification_type: payload.notification_type.slice(0, 64) },
          'Unknown Overseerr notification type',
        );
        throw AppError.badRequest(`Unknown notification_type ${payload.notification_type.slice(0, 64)}`);
      case 'issue': {
        // A problem a member reported: read it from Overseerr now and tell them what is new (comment, resolved, reopened).
        const issueId = idFrom(payload.issue?.issue_id);
        if (issueId === undefined) {
          logger().warn(
            { event: 'webhook.overseerr.malformed', notification_type: payload.notification_type },
            'Issue webhook without an issue id',
          );
          throw AppError.badRequest('The payload names no issue (issue.issue_id)');
        }
        const status = payload.issue?.issue_status;
        const matched = await issues.applyNotification({
          change: action.change,
          overseerrIssueId: issueId,
          status: status === 'OPEN' || status === 'RESOLVED' ? status : undefined,
        });
        logger().info(
          { event: 'webhook.overseerr.received', notification_type: payload.notification_type, overseerr_issue_id: issueId, matched },
          'Overseerr webhook received',
        );
        res.json({ ok: true, matched });
        return;
      }
    }

    const requestId = idFrom(payload.request?.request_id);
    if (requestId !== undefined) {
      const matched = await requests.applyOverseerrStatuses(requestId, action.statuses, 'webhook');
      logger().info(
        { event: 'webhook.overseerr.received', notification_type: payload.notification_type, overseerr_request_id: requestId, matched },
        'Overseerr webhook received',
      );
      res.json({ ok: true, matched });
      return;
    }
    // MEDIA_AVAILABLE can arrive without a request (media found by a library scan): mark the title's requests.
    const tmdbId = idFrom(payload.media?.tmdbId);
    const mediaType = payload.media?.media_type;
    if (action.statuses.includes('available') && tmdbId !== undefined && (mediaType === 'movie' || mediaType === 'tv')) {
      const updated = await requests.markTitleAvailable(mediaType, tmdbId, 'webhook');
      res.json({ ok: true, matched: updated > 0 });
      return;
    }
    logger().warn(
      { event: 'webhook.overseerr.malformed', notification_type: payload.notification_type },
      'Overseerr webhook without a request id',
    );
    throw AppError.badRequest('The payload names no request (request.request_id) or media (media.tmdbId)');
  });

  return router;
}
