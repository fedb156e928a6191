/**
 * A member's choices per enabled channel: which events they hear about, and their own address where
 * the kind takes one (an e-mail address, confirmed by a link before anything is sent there; an ntfy
 * topic under the admin's prefix).
 */
import { notificationEvents, type NotificationEvent, type NotificationPreferences } from '@medianest/contracts';
import { AppError } from '../../errors';
import { logger } from '../../observability/logging/logger';
import type { User } from '../users/user';
import type { AddressConfirmations } from './address-confirmation';
import { failureText, type ChannelDispatch } from './channel-dispatch';
import type { Message } from './channels';
import { MEMBER_ADDRESS, validateMemberAddress } from './member-address';
import type { ChannelRow, NotificationsRepository } from './notifications.repository';
import { confirmationMessage } from './messages';

export class PreferencesService {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly confirmations: AddressConfirmations,
    private readonly dispatch: ChannelDispatch,
  ) {}

  async forMember(user: User): Promise<NotificationPreferences> {
    const [channels, prefs] = await Promise.all([this.repo.listChannels(), this.repo.preferencesOf(user.id)]);
    return {
      events: notificationEvents,
      channels: channels
        .filter((c) => c.enabled)
        .map((c) => {
          const pref = prefs.find((p) => p.channelId === c.id);
          return {
            channelId: c.id,
            name: c.name,
            kind: c.kind,
            addressKind: MEMBER_ADDRESS[c.kind] ?? null,
            defaultAddress:
              MEMBER_ADDRESS[c.kind] === 'email'
                ? user.email
                : MEMBER_ADDRESS[c.kind] === 'topic'
                  ? typeof c.settings.topic === 'string'
                    ? c.settings.topic
                    : ''
                  : null,
            events: pref?.events ?? [],
            address: pref?.address ?? null,
            addressPending: c.kind === 'email' && !!pref && this.confirmations.pending(pref, user.email),
          };
        }),
    };
  }

  async setPreference(
    user: User,
    channelId: number,
    events: NotificationEvent[],
    address: string | null,
  ): Promise<NotificationPreferences> {
    const channel = await this.repo.findChannel(channelId);
    if (!channel || !channel.enabled) throw AppError.notFound('No such channel');
    const stored = validateMemberAddress(channel.kind, channel.settings, address);
    const before = (await this.repo.preferencesOf(user.id)).find((p) => p.channelId === channelId);
    await this.repo.setPreference(user.id, channelId, [...new Set(events)], stored);
    if (channel.kind === 'email') {
      const mail = await this.confirmations.changed(user.id, channelId, stored, before, user.email);
      if (mail) await this.sendConfirmation(channel, user, mail.to, mail.link);
    }
    return this.forMember(user);
  }

  /** Opens a confirmation link (the member signed in). */
  async confirmAddress(user: User, token: string): Promise<void> {
    await this.confirmations.confirm(user.id, token);
  }

  /** The link that confirms a member's e-mail address, sent there (not queued: the member waits for it). */
  private async sendConfirmation(channel: ChannelRow, user: User, to: string, link: string): Promise<void> {
    const message: Message = {
      id: `confirm-${Date.now()}`,
      event: 'address.confirm',
      ...confirmationMessage(user.username, user.language),
      link,
      occurredAt: new Date().toISOString(),
      request: null,
    };
    try {
      await this.dispatch.sendNow(channel, message, { username: user.username, address: to });
    } catch (err) {
      logger().warn(
        { event: 'notifications.address.confirm_failed', channel_id: channel.id, err: failureText(err) },
        'Could not send the confirmation link of a notification e-mail address',
      );
    }
  }
}
