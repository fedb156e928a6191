/**
 * How one message reaches one member over one channel, for the admin's test and for queued
 * deliveries alike: the channel's secrets opened, the member's own address checked (an e-mail
 * address not confirmed yet, or an ntfy topic outside the prefix for member topics, is refused), the
 * member's browsers on Web Push, and every attempt timed and counted in
 * medianest_notifications_total{channel,event,outcome} and medianest_notification_delivery_seconds{channel}.
 */
import { AppError, errorMessage } from '../../errors';
import { logger } from '../../observability/logging/logger';
import { notificationDeliveryDuration, notificationsTotal } from '../../observability/metrics/catalog';
import { redactText } from '../../observability/redact';
import type { AddressConfirmations } from './address-confirmation';
import type { ChannelConfig, ChannelSender, Message, Recipient } from './channels';
import { MEMBER_ADDRESS, memberTopicRefusal } from './member-address';
import type { ChannelRow, NotificationsRepository } from './notifications.repository';
import type { PushDevicesService } from './push-devices.service';
import type { SecretBox } from './secret-box';
import { isFinalPushFailure } from './web-push';

/** An error as it may be stored and logged: scrubbed of secrets, at most 500 characters. */
export function failureText(err: unknown): string {
  return redactText(errorMessage(err)).slice(0, 500);
}

/** Who a message is for. */
export interface Member {
  id: string;
  username: string;
  email: string | null;
}

/** Where a member's message goes on a channel (null: the channel's own default), or why it must not go. */
export type Destination = { refusal: string } | { refusal?: undefined; address: string | null };

/** What one attempt is: the event it counts under, whether a failure is final, and the delivery it belongs to. */
export interface Attempt {
  event: string;
  last: boolean;
  deliveryId?: number;
  /** Browsers that already took this delivery (Web Push): not sent to again. */
  pushedTo?: number[];
}

export class ChannelDispatch {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly box: SecretBox,
    private readonly sender: ChannelSender,
    private readonly confirmations: AddressConfirmations,
    private readonly push: PushDevicesService,
  ) {}

  /** The channel's secrets, opened; a 500 naming the channel when NOTIFICATIONS_SECRET_KEY cannot open them. */
  secretsOf(row: ChannelRow): Record<string, string> {
    if (!row.secrets) return {};
    try {
      return JSON.parse(this.box.open(row.secrets)) as Record<string, string>;
    } catch {
      throw new AppError(
        500,
        'INTERNAL',
        `The secrets of channel "${row.name}" cannot be decrypted: was NOTIFICATIONS_SECRET_KEY changed?`,
      );
    }
  }

  /** Sends at once, unmeasured and never retried (a link the member is waiting for). */
  async sendNow(channel: ChannelRow, message: Message, recipient: Recipient): Promise<void> {
    await this.sender.send(this.configOf(channel), message, recipient);
  }

  async destination(channel: ChannelRow, member: Pick<Member, 'id' | 'email'>): Promise<Destination> {
    const own = await this.repo.addressOf(member.id, channel.id);
    const refusal = await this.refusal(channel, member.id, own, member.email);
    if (refusal) return { refusal };
    return { address: own ?? (MEMBER_ADDRESS[channel.kind] === 'email' ? member.email : null) };
  }

  /** Why a message must not go to this member's own address on the channel (undefined: it may). */
  private async refusal(channel: ChannelRow, userId: string, address: string | null, accountEmail: string | null) {
    if (address === null) return undefined;
    if (MEMBER_ADDRESS[channel.kind] === 'topic' && address !== channel.settings.topic)
      return memberTopicRefusal(channel.settings, address);
    if (channel.kind === 'email' && !(await this.confirmations.deliverable(userId, channel.id, address, accountEmail)))
      return 'The e-mail address is not confirmed yet: nothing is sent there until its link is opened';
    return undefined;
  }

  /** One attempt to `address` (on Web Push: to the member's browsers); throws what went wrong. */
  async send(channel: ChannelRow, message: Message, member: Pick<Member, 'id' | 'username'>, address: string | null, attempt: Attempt) {
    const push = channel.kind === 'webpush' ? { push: await this.push.recipient(member.id, attempt.deliveryId, attempt.pushedTo) } : {};
    await this.sendMeasured(channel, message, { username: member.username, address, ...push }, attempt);
  }

  private async sendMeasured(channel: ChannelRow, message: Message, recipient: Recipient, { event, last }: Attempt): Promise<void> {
    const config = this.configOf(channel);
    const end = notificationDeliveryDuration.startTimer({ channel: channel.kind });
    try {
      await this.sender.send(config, message, recipient);
      notificationsTotal.inc({ channel: channel.kind, event, outcome: 'delivered' });
    } catch (err) {
      if (isFinalPushFailure(err)) {
        // The member's browsers are all gone: like a member who never subscribed, not a failing channel.
        notificationsTotal.inc({ channel: channel.kind, event, outcome: 'expired' });
        logger().info(
          { event: 'notifications.push.no_device', channel_id: channel.id, notification: event, err: failureText(err) },
          'Nothing to push to: no subscribed browser is left',
        );
        throw err;
      }
      notificationsTotal.inc({ channel: channel.kind, event, outcome: last ? 'failed' : 'retrying' });
      logger()[last ? 'error' : 'warn'](
        {
          event: 'notifications.delivery.failed',
          channel_id: channel.id,
          channel: channel.kind,
          notification: event,
          final: last,
          err: failureText(err),
        },
        `Notification over ${channel.kind} failed${last ? '' : '; it will be retried'}`,
      );
      throw err;
    } finally {
      end();
    }
  }

  private configOf(channel: ChannelRow): ChannelConfig {
    return { kind: channel.kind, settings: channel.settings, secrets: this.secretsOf(channel) };
  }
}
