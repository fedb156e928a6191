/**
 * Delivery (the `notify-<kind>` jobs): one attempt of one planned message through its channel,
 * retried by the queue with exponential backoff; the sweep that queues again what a lost job left
 * pending; and the Ops page's view of how deliveries went.
 */
import type { DeliverySummary } from '@medianest/contracts';
import type { AttemptInfo, JobQueue } from '../../jobs/job-queue';
import { redactText } from '../../observability/redact';
import { failureText, type ChannelDispatch } from './channel-dispatch';
import type { Message } from './channels';
import { CHANNEL_OFF, enqueueDelivery } from './delivery-queue';
import type { NotificationsRepository } from './notifications.repository';
import type { PushDevicesService } from './push-devices.service';
import { isFinalPushFailure } from './web-push';

export class DeliveryService {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly dispatch: ChannelDispatch,
    private readonly push: PushDevicesService,
    private readonly jobs: JobQueue,
    private readonly options: { attempts: number; retryBaseMs: number },
  ) {}

  get jobOptions() {
    return { attempts: this.options.attempts, backoffMs: this.options.retryBaseMs };
  }

  /** One attempt of one delivery; throws to have the queue retry it. */
  async deliver(deliveryId: number, attempt: AttemptInfo): Promise<void> {
    const found = await this.repo.findDelivery(deliveryId);
    if (!found || found.delivery.status !== 'pending') return; // done already, or the channel was deleted
    const { delivery, channel } = found;
    if (!channel.enabled) {
      // Turned off after the message was queued: it is not sent, now or later.
      await this.repo.recordAttempt(delivery.id, { status: 'failed', error: CHANNEL_OFF });
      return;
    }
    const member = { id: delivery.userId, username: found.username, email: found.email };
    const destination = await this.dispatch.destination(channel, member);
    if (destination.refusal !== undefined) {
      await this.repo.recordAttempt(delivery.id, { status: 'failed', error: destination.refusal });
      return;
    }
    const { pushedTo, ...composed } = delivery.payload as Omit<Message, 'id' | 'event'> & { pushedTo?: number[] };
    const message = { ...composed, id: String(delivery.id), event: delivery.event };
    const last = attempt.attempt >= attempt.maxAttempts;
    // Resolving the destination took a while: a message ended meanwhile (its channel turned off) is not sent.
    if (!(await this.repo.isPending(delivery.id))) return;
    try {
      await this.dispatch.send(channel, message, member, destination.address, {
        event: delivery.event,
        last,
        deliveryId: delivery.id,
        pushedTo,
      });
      await this.repo.recordAttempt(delivery.id, { status: 'delivered', error: null });
    } catch (err) {
      const final = last || isFinalPushFailure(err);
      await this.repo.recordAttempt(delivery.id, { status: final ? 'failed' : 'pending', error: failureText(err) });
      // No device left to push to: retrying cannot help.
      if (!isFinalPushFailure(err)) throw err;
    }
  }

  /** Re-enqueues deliveries still pending after `olderThanMs` (a lost enqueue, a restart without Redis). */
  async sweep(olderThanMs: number): Promise<number> {
    await this.push.pruneGone();
    const pending = await this.repo.pendingDeliveries(new Date(Date.now() - olderThanMs), 500);
    await Promise.all(pending.map((p) => enqueueDelivery(this.jobs, p.id, p.kind)));
    return pending.length;
  }

  /** The Ops page's view: deliveries of the last 24 hours per channel, and the latest 20 failures (errors scrubbed). */
  async deliverySummary(): Promise<DeliverySummary> {
    const [channels, failures] = await Promise.all([
      this.repo.deliveryCounts(new Date(Date.now() - 86_400_000)),
      this.repo.recentFailures(20),
    ]);
    return {
      channels,
      recentFailures: failures.map((f) => ({
        id: f.id,
        channel: f.channel,
        kind: f.kind,
        event: f.event,
        attempts: f.attempts,
        final: f.status === 'failed',
        error: f.error === null ? null : redactText(f.error),
        createdAt: f.createdAt.toISOString(),
      })),
    };
  }
}
