/**
 * The delivery jobs: one queue per channel kind (`notify-<kind>`), so an SMTP outage retrying in the
 * background never holds up a Discord message, and one job per delivery row (its id is the job id,
 * so a row queued twice runs once).
 */
import type { NotificationChannelKind } from '@medianest/contracts';
import type { JobQueue } from '../../jobs/job-queue';
import { logger } from '../../observability/logging/logger';
import { failureText } from './channel-dispatch';

export const deliveryQueue = (kind: NotificationChannelKind) => `notify-${kind}`;

/** The error of a delivery that ends because its channel was turned off. */
export const CHANNEL_OFF = 'The channel was turned off';

/** Queues one delivery; a failure leaves the row pending for the sweep job to queue again. */
export async function enqueueDelivery(jobs: JobQueue, deliveryId: number, kind: NotificationChannelKind): Promise<void> {
  try {
    await jobs.enqueue(deliveryQueue(kind), { data: { deliveryId }, jobId: `delivery-${deliveryId}` });
  } catch (err) {
    logger().warn(
      { event: 'notifications.enqueue.failed', delivery_id: deliveryId, err: failureText(err) },
      'Could not queue a notification; it will be retried',
    );
  }
}
