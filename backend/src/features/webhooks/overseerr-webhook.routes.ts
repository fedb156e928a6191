/**
 * POST /api/v1/webhooks/overseerr: Overseerr tells us a request moved.
 * 404 NOT_CONFIGURED without OVERSEERR_WEBHOOK_SECRET, 401 without the
 * secret, 400 (and a log line) for a payload we do not understand; what it
 * means is overseerr-webhook.service.ts's to decide.
 */
import { Router } from 'express';
import { AppError } from '../../errors';
import { logger } from '../../observability/logging/logger';
import { webhookAuthorized, webhookPayloadSchema } from './overseerr-webhook';
import type { OverseerrWebhookService } from './overseerr-webhook.service';

export function overseerrWebhookRouter(secret: string | undefined, webhooks: OverseerrWebhookService): Router {
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
    res.json(await webhooks.apply(parsed.data));
  });

  return router;
}
