/**
 * The notifications feature, built from the process's parts: one small service per concern, as
 * Overseerr keeps one agent per channel. Channels (the admin's), preferences and follows (the
 * members'), the planner (who is told what), delivery (sending, retries, the Ops view) and push
 * devices (Web Push); the dispatch they share sends one message over one channel.
 */
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import { SettingsRepository } from '../../db/settings.repository';
import { OutboundPolicy } from '../../integrations/outbound-policy';
import type { JobQueue } from '../../jobs/job-queue';
import type { BreakerRegistry } from '../../resilience/breakers';
import { AddressConfirmations } from './address-confirmation';
import { AddressConfirmationsRepository } from './address-confirmations.repository';
import { ChannelDispatch } from './channel-dispatch';
import { ChannelSender } from './channels';
import { ChannelsService } from './channels.service';
import { DeliveryPlanner } from './delivery-planner.service';
import { DeliveryService } from './delivery.service';
import { FollowsService } from './follows.service';
import { NotificationsRepository } from './notifications.repository';
import { PreferencesService } from './preferences.service';
import { PushDevicesService } from './push-devices.service';
import { loadOrCreateKey, SecretBox } from './secret-box';

export interface Notifications {
  /** The admin's channels and their test message. */
  channels: ChannelsService;
  /** Members' choices per channel and their own addresses. */
  preferences: PreferencesService;
  /** "Notify me too" on a request. */
  follows: FollowsService;
  /** Turns request changes, incidents, announcements and watchlist requests into queued deliveries (listens on the event bus). */
  planner: DeliveryPlanner;
  /** The delivery jobs, their sweep, and the Ops page's figures. */
  delivery: DeliveryService;
  /** Members' browsers subscribed to Web Push. */
  push: PushDevicesService;
}

export function createNotifications(parts: {
  config: Pick<
    Config,
    | 'NOTIFICATIONS_SECRET_KEY'
    | 'dataDir'
    | 'UPSTREAM_TIMEOUT_MS'
    | 'PUBLIC_URL'
    | 'NOTIFICATIONS_ATTEMPTS'
    | 'NOTIFICATIONS_RETRY_BASE_MS'
    | 'WEB_PUSH_HOSTS'
    | 'WEB_PUSH_ALLOW_LOOPBACK'
  >;
  database: Database;
  breakers: BreakerRegistry;
  jobs: JobQueue;
  /** The sealing of secrets at rest, when the process already opened it (one key for all of them). */
  box?: SecretBox;
}): Notifications {
  const { config, jobs } = parts;
  const outbound = new OutboundPolicy({
    extraPushHosts: config.WEB_PUSH_HOSTS,
    allowLoopback: config.WEB_PUSH_ALLOW_LOOPBACK,
    connectTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const repo = new NotificationsRepository(parts.database);
  const box = parts.box ?? new SecretBox(loadOrCreateKey(config.NOTIFICATIONS_SECRET_KEY, config.dataDir));
  const confirmations = new AddressConfirmations(new AddressConfirmationsRepository(parts.database), config.PUBLIC_URL);
  const push = new PushDevicesService(repo, new SettingsRepository(parts.database), box, outbound);
  const dispatch = new ChannelDispatch(
    repo,
    box,
    new ChannelSender(parts.breakers, config.UPSTREAM_TIMEOUT_MS, outbound),
    confirmations,
    push,
  );
  return {
    channels: new ChannelsService(repo, box, dispatch, config.PUBLIC_URL),
    preferences: new PreferencesService(repo, confirmations, dispatch),
    follows: new FollowsService(repo),
    planner: new DeliveryPlanner(repo, jobs, config.PUBLIC_URL),
    delivery: new DeliveryService(repo, dispatch, push, jobs, {
      attempts: config.NOTIFICATIONS_ATTEMPTS,
      retryBaseMs: config.NOTIFICATIONS_RETRY_BASE_MS,
    }),
    push,
  };
}
