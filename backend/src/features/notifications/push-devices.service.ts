/**
 * Web Push: members subscribe their browsers (several devices each); the server's VAPID key pair is
 * generated once and shared by every replica (web-push.ts). A delivery goes to each device; a device
 * whose subscription is gone (404/410) is not sent to again and is pruned from the member's list a
 * week later (PUSH_GONE_KEEP_MS).
 */
import type { PushDevice, PushState, PushSubscriptionBody } from '@medianest/contracts';
import { AppError } from '../../errors';
import type { SettingsRepository } from '../../db/settings.repository';
import type { OutboundPolicy } from '../../integrations/outbound-policy';
import { logger } from '../../observability/logging/logger';
import { registerSecret } from '../../observability/redact';
import type { User } from '../users/user';
import type { NotificationsRepository, PushSubscriptionRow } from './notifications.repository';
import type { SecretBox } from './secret-box';
import { generateVapidKeys, type PushRecipient, type VapidKeys } from './web-push';

/** The settings row holding the VAPID key pair: `{ publicKey, privateKey }`, the private key sealed. */
const VAPID_SETTING = 'notifications.webpush.vapid';

/**
 * How long a browser the push service called gone (404/410) stays in the member's list, never sent
 * to, before the sweep removes it: long enough that the list does not tell when, or whether, an
 * endpoint answered 404.
 */
export const PUSH_GONE_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/** Browsers one member may subscribe (each is one more request per message). */
export const MAX_PUSH_DEVICES = 10;

const toDevice = (row: PushSubscriptionRow): PushDevice => ({ id: row.id, label: row.label, createdAt: row.createdAt.toISOString() });

export class PushDevicesService {
  private vapidKeys: Promise<VapidKeys> | undefined;

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly settings: SettingsRepository,
    private readonly box: SecretBox,
    private readonly outbound: OutboundPolicy,
  ) {}

  /** What a browser needs to subscribe (null while no Web Push channel is enabled), and the member's devices. */
  async pushState(user: User): Promise<PushState> {
    // The key first: replacing an unreadable one forgets the devices listed next.
    const publicKey = (await this.repo.hasEnabledChannel('webpush')) ? (await this.vapid()).publicKey : null;
    return { publicKey, devices: (await this.repo.pushSubscriptionsOf(user.id)).map(toDevice) };
  }

  async subscribePush(user: User, body: PushSubscriptionBody): Promise<PushState & { device: PushDevice }> {
    if (!(await this.repo.hasEnabledChannel('webpush')))
      throw AppError.conflict('Push notifications are not set up on this server: the admin adds a Web Push channel first');
    // The contract checked the shape; where the endpoint leads is the server's policy (push services only).
    this.outbound.checkPushEndpoint(body.endpoint);
    const devices = await this.repo.pushSubscriptionsOf(user.id);
    if (devices.length >= MAX_PUSH_DEVICES && !devices.some((d) => d.endpoint === body.endpoint))
      throw AppError.conflict(`You already get push notifications on ${MAX_PUSH_DEVICES} devices: remove one first`);
    const row = await this.repo.savePushSubscription({
      userId: user.id,
      endpoint: body.endpoint,
      keys: this.box.seal(JSON.stringify({ p256dh: body.keys.p256dh, auth: body.keys.auth })),
      label: body.label || 'Browser',
    });
    if (!row)
      throw AppError.conflict('This browser already gets push notifications for another account on this server: turn them off there first');
    logger().info({ event: 'notifications.push.subscribed', device_id: row.id }, 'A browser subscribed to push notifications');
    return { ...(await this.pushState(user)), device: toDevice(row) };
  }

  /** This browser unsubscribed: forget its endpoint (when it is the member's). */
  async unsubscribePush(user: User, endpoint: string): Promise<PushState> {
    await this.repo.deletePushSubscription({ endpoint, userId: user.id });
    return this.pushState(user);
  }

  async removePushDevice(user: User, id: number): Promise<PushState> {
    if (!(await this.repo.deletePushSubscription({ id, userId: user.id }))) throw AppError.notFound('No such device');
    return this.pushState(user);
  }

  /** Removes the browsers found gone more than PUSH_GONE_KEEP_MS ago. */
  async pruneGone(): Promise<void> {
    await this.repo.pruneGonePush(new Date(Date.now() - PUSH_GONE_KEEP_MS));
  }

  /** A member's devices (but those that already took this delivery) with what the sender reports back. */
  async recipient(userId: string, deliveryId?: number, skip: number[] = []): Promise<PushRecipient> {
    const rows = (await this.repo.pushSubscriptionsOf(userId)).filter((r) => r.goneAt === null && !skip.includes(r.id));
    const devices = rows.flatMap((r) => {
      try {
        const keys = JSON.parse(this.box.open(r.keys)) as { p256dh: string; auth: string };
        registerSecret(keys.auth);
        return [{ id: r.id, endpoint: r.endpoint, ...keys }];
      } catch {
        logger().warn({ event: 'notifications.push.unreadable', device_id: r.id }, 'A push subscription cannot be decrypted; skipped');
        return [];
      }
    });
    return {
      vapid: await this.vapid(),
      devices,
      onDevice: async (id, outcome) => {
        if (outcome === 'delivered') {
          if (deliveryId !== undefined) await this.repo.markPushed(deliveryId, id);
          return;
        }
        // Not removed at once: the member's device list would answer "did that endpoint 404?" the
        // moment a message went out. It stays listed (and is never sent to) until the sweep prunes it.
        await this.repo.markPushGone(id);
        logger().info(
          { event: 'notifications.push.expired', device_id: id, user_id: userId },
          'The push service no longer knows a subscribed browser; nothing more is sent to it',
        );
      },
    };
  }

  /**
   * The server's VAPID key pair: generated and stored (private key sealed) on first use, the same for
   * every replica. A stored key this process cannot open (NOTIFICATIONS_SECRET_KEY was changed) is
   * replaced by a new pair, and the browsers' subscriptions — made for the old public key, their keys
   * sealed with the old secret key — are forgotten: members enable push again.
   */
  private vapid(): Promise<VapidKeys> {
    this.vapidKeys ??= (async () => {
      const fresh = () => {
        const keys = generateVapidKeys();
        return JSON.stringify({ publicKey: keys.publicKey, privateKey: this.box.seal(keys.privateKey) });
      };
      let stored = (await this.settings.get(VAPID_SETTING)) ?? (await this.settings.getOrCreate(VAPID_SETTING, fresh()));
      let keys = this.openVapid(stored);
      if (!keys) {
        const replacement = fresh();
        stored = await this.settings.replace(VAPID_SETTING, stored, replacement);
        keys = this.openVapid(stored);
        if (!keys) throw new AppError(500, 'INTERNAL', 'The Web Push key pair cannot be decrypted with NOTIFICATIONS_SECRET_KEY');
        // Only the replica whose pair was stored clears the subscriptions (never one a member just made for it).
        if (stored === replacement) {
          const forgotten = await this.repo.deleteAllPushSubscriptions();
          logger().error(
            { event: 'notifications.push.keys_replaced', subscriptions_removed: forgotten },
            'The Web Push private key could not be decrypted (was NOTIFICATIONS_SECRET_KEY changed?): a new key pair was made; members must enable push again',
          );
        }
      }
      registerSecret(keys.privateKey);
      return keys;
    })();
    this.vapidKeys.catch(() => (this.vapidKeys = undefined));
    return this.vapidKeys;
  }

  private openVapid(stored: string): VapidKeys | undefined {
    try {
      const { publicKey, privateKey } = JSON.parse(stored) as VapidKeys;
      return { publicKey, privateKey: this.box.open(privateKey) };
    } catch {
      return undefined;
    }
  }
}
