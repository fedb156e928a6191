/**
 * Notifications: the admin's channels, members' choices, "notify me too",
 * and delivery.
 *
 * On the request path (and in the Overseerr webhook) nothing is sent: a
 * request status change becomes delivery rows — one per event, member and
 * channel, deduplicated by the database's unique key, so a retried webhook or
 * a second replica seeing the same event adds nothing — and one background job
 * per new row on the channel kind's queue (`notify-<kind>`). The job sends
 * through the kind's breaker, retries with exponential backoff, and counts
 * every attempt in medianest_notifications_total{channel,event,outcome} and
 * medianest_notification_delivery_seconds{channel}.
 *
 * Web Push: members subscribe their browsers (several devices each); the
 * server's VAPID key pair is generated once (web-push.ts). A delivery goes to
 * each device; a device whose subscription is gone (404/410) is not sent to
 * again and is pruned from the member's list a week later (PUSH_GONE_KEEP_MS).
 */
import {
  notificationEvents as NOTIFICATION_EVENTS,
  type Announcement,
  type DeliverySummary,
  type ServiceIncident,
  type FollowState,
  type MediaType,
  type NotificationChannel,
  type NotificationEvent,
  type NotificationPreferences,
  type NotificationTestResult,
  type PushDevice,
  type PushState,
  type PushSubscriptionBody,
} from '@medianest/contracts';
import type { NotificationChannelKind, RequestStatus } from '../../db/schema';
import { notificationChannelKinds } from '../../db/schema';
import { AppError, errorMessage } from '../../errors';
import { OutboundPolicy } from '../../integrations/outbound-policy';
import type { JobQueue } from '../../jobs/job-queue';
import { logger } from '../../observability/logging/logger';
import { notificationDeliveryDuration, notificationsTotal } from '../../observability/metrics/catalog';
import { redactText, registerSecret } from '../../observability/redact';
import type { DomainEvents, EventBus } from '../../realtime/events';
import type { User } from '../users/user';
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import type { BreakerRegistry } from '../../resilience/breakers';
import { AddressConfirmations } from './address-confirmation';
import { CHANNEL_SCHEMAS, ChannelSender, type ChannelConfig, type Message, type Recipient } from './channels';
import { MEMBER_ADDRESS, memberTopicRefusal, validateMemberAddress } from './member-address';
import { secretsForDestination } from './channel-destination';
import {
  NotificationsRepository,
  type ChannelRow,
  type PushSubscriptionRow,
  type RequestSummary,
  type Subscriber,
} from './notifications.repository';
import {
  announcementMessage,
  confirmationMessage,
  incidentMessage,
  requestMessage,
  testMessage,
  watchlistRequestedMessage,
  type MessageWords,
} from './messages';
import { loadOrCreateKey, SecretBox } from './secret-box';
import { generateVapidKeys, isFinalPushFailure, type PushRecipient, type VapidKeys } from './web-push';

/** What a member can choose to hear about. */
export { NOTIFICATION_EVENTS };
export type { NotificationEvent };

const EVENT_FOR_STATUS: Partial<Record<RequestStatus, 'request.approved' | 'request.available' | 'request.declined' | 'request.failed'>> = {
  approved: 'request.approved',
  available: 'request.available',
  declined: 'request.declined',
  failed: 'request.failed',
};

const CHANNEL_OFF = 'The channel was turned off';

export const deliveryQueue = (kind: NotificationChannelKind) => `notify-${kind}`;

/** A channel as administrators see it (which secrets are set; their values never leave the server). */
export type PublicChannel = NotificationChannel;

export interface ChannelInput {
  name?: string;
  kind?: NotificationChannelKind;
  enabled?: boolean;
  settings?: unknown;
  /** Omitted fields keep their stored value; null clears an optional secret. */
  secrets?: Record<string, unknown>;
}

export type TestResult = NotificationTestResult;

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

function errorText(err: unknown): string {
  return redactText(errorMessage(err)).slice(0, 500);
}

export class NotificationsService {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly box: SecretBox,
    private readonly sender: ChannelSender,
    private readonly jobs: JobQueue,
    private readonly options: { publicUrl?: string; attempts: number; retryBaseMs: number; outbound: OutboundPolicy },
    private readonly confirmations: AddressConfirmations,
  ) {}

  private vapidKeys: Promise<VapidKeys> | undefined;

  // ── Channels (admin) ─────────────────────────────────────────────────────

  private secretsOf(row: ChannelRow): Record<string, string> {
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

  toPublic(row: ChannelRow): PublicChannel {
    let stored: Record<string, string> = {};
    try {
      stored = this.secretsOf(row);
    } catch {
      // Listed with nothing set: the admin re-enters the secrets.
    }
    const fields = Object.keys(CHANNEL_SCHEMAS[row.kind].secrets.shape);
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      enabled: row.enabled,
      settings: row.settings,
      secrets: Object.fromEntries(fields.map((f) => [f, { set: typeof stored[f] === 'string' && stored[f] !== '' }])),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async listChannels(): Promise<PublicChannel[]> {
    return (await this.repo.listChannels()).map((r) => this.toPublic(r));
  }

  private parseKindInput(kind: NotificationChannelKind, input: ChannelInput, previous: Record<string, string>) {
    const schema = CHANNEL_SCHEMAS[kind];
    const settings = schema.settings.safeParse(input.settings ?? {});
    if (!settings.success) throw invalid('settings', settings.error.issues);
    const secretsIn = schema.secrets.safeParse(input.secrets ?? {});
    if (!secretsIn.success) throw invalid('secrets', secretsIn.error.issues);
    const secrets: Record<string, string> = { ...previous };
    for (const [key, value] of Object.entries(secretsIn.data as Record<string, string | null | undefined>)) {
      if (value === null) delete secrets[key];
      else if (value !== undefined) secrets[key] = value;
    }
    const missing = schema.requiredSecrets.filter((k) => !secrets[k]);
    if (missing.length > 0)
      throw AppError.badRequest(
        `A ${kind} channel needs ${missing.join(' and ')}`,
        missing.map((m) => ({ path: `secrets.${m}`, message: 'required' })),
      );
    return {
      settings: settings.data as Record<string, unknown>,
      secrets: Object.keys(secrets).length > 0 ? this.box.seal(JSON.stringify(secrets)) : null,
    };
  }

  async createChannel(input: ChannelInput): Promise<PublicChannel> {
    if (!input.kind || !notificationChannelKinds.includes(input.kind))
      throw AppError.badRequest(`kind must be one of ${notificationChannelKinds.join(', ')}`);
    if (!input.name) throw AppError.badRequest('name is required');
    if (input.kind === 'webpush' && (await this.repo.listChannels()).some((c) => c.kind === 'webpush'))
      throw AppError.conflict('There is already a Web Push channel: browsers subscribe to the server, so one is enough');
    const { settings, secrets } = this.parseKindInput(input.kind, input, {});
    const row = await this.repo.createChannel({ name: input.name, kind: input.kind, enabled: input.enabled ?? true, settings, secrets });
    logger().info({ event: 'notifications.channel.created', channel_id: row.id, kind: row.kind }, 'Notification channel created');
    return this.toPublic(row);
  }

  async updateChannel(id: number, input: ChannelInput): Promise<PublicChannel> {
    const row = await this.repo.findChannel(id);
    if (!row) throw AppError.notFound('No such channel');
    if (input.kind !== undefined && input.kind !== row.kind)
      throw AppError.badRequest('The kind of a channel cannot change; create a new channel');
    const changes: Parameters<NotificationsRepository['updateChannel']>[1] = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.settings !== undefined || input.secrets !== undefined) {
      let previous: Record<string, string> = {};
      try {
        previous = this.secretsOf(row);
      } catch {
        // Unreadable with this key: the new input must bring every secret again.
      }
      const settings = (input.settings ?? row.settings) as Record<string, unknown>;
      // A token or password stays only with the server it was given for.
      previous = secretsForDestination(row.kind, row.settings, settings, previous);
      const parsed = this.parseKindInput(row.kind, { settings, secrets: input.secrets }, previous);
      changes.settings = parsed.settings;
      changes.secrets = parsed.secrets;
    }
    const updated = await this.repo.updateChannel(id, changes);
    if (!updated) throw AppError.notFound('No such channel');
    if (row.enabled && !updated.enabled) {
      // Messages still waiting on it end now (the Ops page shows them at once), not at their next retry.
      const ended = await this.repo.failPendingOf(id, CHANNEL_OFF);
      if (ended > 0)
        logger().info({ event: 'notifications.channel.disabled', channel_id: id, ended }, 'Queued messages of a turned-off channel ended');
    }
    return this.toPublic(updated);
  }

  async deleteChannel(id: number): Promise<void> {
    if (!(await this.repo.deleteChannel(id))) throw AppError.notFound('No such channel');
  }

  /** Sends a test message to the admin who asked, now, and reports what happened. */
  async sendTest(id: number, admin: User): Promise<TestResult> {
    const row = await this.repo.findChannel(id);
    if (!row) throw AppError.notFound('No such channel');
    const own = await this.repo.addressOf(admin.id, id);
    const refusal = await this.addressRefusal(row, admin.id, own, admin.email);
    if (refusal) return { delivered: false, durationMs: 0, error: refusal };
    const address = own ?? (MEMBER_ADDRESS[row.kind] === 'email' ? admin.email : null);
    const message: Message = {
      id: `test-${Date.now()}`,
      event: 'test',
      ...testMessage(row.name, admin.language),
      link: this.options.publicUrl ?? null,
      occurredAt: new Date().toISOString(),
      request: null,
    };
    const started = performance.now();
    try {
      const push = row.kind === 'webpush' ? { push: await this.pushRecipient(admin.id) } : {};
      await this.sendMeasured(row, message, { username: admin.username, address, ...push }, 'test', true);
      return { delivered: true, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      return { delivered: false, durationMs: Math.round(performance.now() - started), error: errorText(err) };
    }
  }

  // ── Members ──────────────────────────────────────────────────────────────

  async preferences(user: User): Promise<NotificationPreferences> {
    const [channels, prefs] = await Promise.all([this.repo.listChannels(), this.repo.preferencesOf(user.id)]);
    return {
      events: NOTIFICATION_EVENTS,
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
    return this.preferences(user);
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
      await this.sender.send({ kind: channel.kind, settings: channel.settings, secrets: this.secretsOf(channel) }, message, {
        username: user.username,
        address: to,
      });
    } catch (err) {
      logger().warn(
        { event: 'notifications.address.confirm_failed', channel_id: channel.id, err: errorText(err) },
        'Could not send the confirmation link of a notification e-mail address',
      );
    }
  }

  /** Opens a confirmation link (the member signed in). */
  async confirmAddress(user: User, token: string): Promise<void> {
    await this.confirmations.confirm(user.id, token);
  }

  /** Why a message must not go to this member's own address on the channel (undefined: it may). */
  private async addressRefusal(channel: ChannelRow, userId: string, address: string | null, accountEmail: string | null) {
    if (address === null) return undefined;
    if (MEMBER_ADDRESS[channel.kind] === 'topic' && address !== channel.settings.topic)
      return memberTopicRefusal(channel.settings, address);
    if (channel.kind === 'email' && !(await this.confirmations.deliverable(userId, channel.id, address, accountEmail)))
      return 'The e-mail address is not confirmed yet: nothing is sent there until its link is opened';
    return undefined;
  }

  /** A request's follow state by its id: for its requester and administrators only (404 for anyone else, as its page answers). */
  async followState(user: User, requestId: number): Promise<FollowState> {
    return this.stateOf(user, await this.visibleRequest(user, requestId));
  }

  async follow(user: User, requestId: number, on: boolean): Promise<FollowState> {
    const summary = await this.visibleRequest(user, requestId);
    await (on ? this.repo.follow(summary.id, user.id) : this.repo.unfollow(summary.id, user.id));
    return this.stateOf(user, summary);
  }

  /** The standing request for a title (the newest), which any member may follow without learning who made it. */
  async titleFollowState(user: User, title: { type: MediaType; tmdbId: number }): Promise<FollowState> {
    return this.stateOf(user, await this.standingRequest(title));
  }

  async followTitle(user: User, title: { type: MediaType; tmdbId: number }, on: boolean): Promise<FollowState> {
    const summary = await this.standingRequest(title);
    await (on ? this.repo.follow(summary.id, user.id) : this.repo.unfollow(summary.id, user.id));
    return this.stateOf(user, summary);
  }

  private async visibleRequest(user: User, requestId: number): Promise<RequestSummary> {
    const summary = await this.repo.requestSummary(requestId);
    if (!summary || (summary.userId !== user.id && user.role !== 'admin')) throw AppError.notFound('No such request');
    return summary;
  }

  private async standingRequest(title: { type: MediaType; tmdbId: number }): Promise<RequestSummary> {
    const summary = await this.repo.standingRequestSummary(title.type, title.tmdbId);
    if (!summary) throw AppError.notFound('Nobody has requested this title');
    return summary;
  }

  private async stateOf(user: User, summary: RequestSummary): Promise<FollowState> {
    const followers = await this.repo.followers(summary.id);
    const { userId, requestedBy, ...rest } = summary;
    const mine = userId === user.id;
    return {
      request: { ...rest, requestedBy: mine || user.role === 'admin' ? requestedBy : null, mine },
      following: followers.includes(user.id),
      followers: followers.length,
    };
  }

  // ── Planning (request path) ──────────────────────────────────────────────

  /** Subscribes to request status changes, incidents and announcements; returns the unsubscribe. */
  listen(events: EventBus): () => void {
    // Never awaited by the publisher: a slow database here must not slow the webhook, the request or the probes.
    const failed = (context: Record<string, unknown>) => (err: unknown) =>
      logger().error({ event: 'notifications.plan.failed', ...context, err: errorText(err) }, 'Could not plan notifications');
    const offs = [
      events.subscribe('request.updated', (payload) => {
        this.plan(payload).catch(failed({ request_id: payload.requestId }));
      }),
      events.subscribe('status.incident', (incident) => {
        this.planIncident(incident).catch(failed({ incident_id: incident.id }));
      }),
      events.subscribe('announcement.created', (announcement) => {
        this.planAnnouncement(announcement).catch(failed({ announcement_id: announcement.id }));
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /**
   * An incident opened (`service.down`) or closed (`service.up`): one message per member and channel
   * that chose the event, once per incident and phase. Incidents of a maintenance window send nothing.
   */
  async planIncident(incident: ServiceIncident): Promise<number> {
    if (incident.maintenance) return 0;
    const event: NotificationEvent = incident.endedAt ? 'service.up' : 'service.down';
    return this.planBroadcast(
      `incident:${incident.id}:${incident.endedAt ? 'up' : 'down'}`,
      event,
      (language) => incidentMessage(incident, language),
      incident.endedAt ?? incident.startedAt,
    );
  }

  /** An admin's announcement, to every member who chose `announcement`. */
  async planAnnouncement(announcement: Announcement): Promise<number> {
    return this.planBroadcast(
      `announcement:${announcement.id}`,
      'announcement',
      (language) => announcementMessage(announcement, language),
      announcement.createdAt,
    );
  }

  /** A title MediaNest requested for a member from their Plex watchlist: told to that member, once per request. */
  async planWatchlistRequested(r: { userId: string; requestId: number; title: string; mediaType: MediaType }): Promise<number> {
    return this.planBroadcast(
      `watchlist:${r.requestId}`,
      'watchlist.requested',
      (language) => watchlistRequestedMessage(r.title, r.mediaType, language),
      new Date().toISOString(),
      { who: [r.userId], path: `/requests/${r.requestId}` },
    );
  }

  /**
   * Delivery rows (once per event key, member and channel), each worded in its member's language, and jobs for every
   * member (of `to.who`) who chose `event`.
   */
  private async planBroadcast(
    eventKey: string,
    event: NotificationEvent,
    words: (language: string | null) => MessageWords,
    occurredAt: string,
    to: { who: 'everyone' | string[]; path: string } = { who: 'everyone', path: '/status' },
  ): Promise<number> {
    const subscribers = await this.repo.subscribersOf(to.who, event);
    const link = this.options.publicUrl ? `${this.options.publicUrl}${to.path}` : null;
    const created = await this.repo.insertDeliveries(
      subscribers.map((s) => ({
        eventKey,
        event,
        userId: s.userId,
        channelId: s.channelId,
        payload: { ...words(s.language), occurredAt, link, request: null },
      })),
    );
    const kinds = new Map(subscribers.map((s) => [s.channelId, s.kind]));
    await Promise.all(created.map((d) => this.enqueue(d.id, kinds.get(d.channelId)!)));
    if (created.length > 0)
      logger().info({ event: 'notifications.planned', key: eventKey, deliveries: created.length }, 'Notifications queued');
    return created.length;
  }

  /** Turns one status change into delivery rows (once) and delivery jobs. Returns how many were new. */
  async plan(change: DomainEvents['request.updated']): Promise<number> {
    const event = EVENT_FOR_STATUS[change.status];
    if (!event) return 0;
    const eventKey = `request:${change.requestId}:${change.status}`;
    const request = { id: change.requestId, title: change.title, mediaType: change.mediaType, status: change.status };
    const link = this.options.publicUrl ? `${this.options.publicUrl}/requests/${change.requestId}` : null;
    const occurredAt = new Date().toISOString();
    const owners = await this.repo.subscribersOf([change.userId], event);
    let followers: Subscriber[] = [];
    if (change.status === 'available') {
      const ids = (await this.repo.followers(change.requestId)).filter((id) => id !== change.userId);
      followers = await this.repo.subscribersOf(ids, 'followed.available');
    }
    const rows = [...owners.map((s) => ({ s, e: event })), ...followers.map((s) => ({ s, e: 'followed.available' as const }))].map(
      ({ s, e }) => ({
        eventKey,
        event: e,
        userId: s.userId,
        channelId: s.channelId,
        payload: { ...requestMessage(e, change.title, change.mediaType, s.language), link, occurredAt, request },
      }),
    );
    const created = await this.repo.insertDeliveries(rows);
    const kinds = new Map([...owners, ...followers].map((s) => [s.channelId, s.kind]));
    await Promise.all(created.map((d) => this.enqueue(d.id, kinds.get(d.channelId)!)));
    if (created.length > 0) {
      logger().info(
        { event: 'notifications.planned', request_id: change.requestId, status: change.status, deliveries: created.length },
        'Notifications queued',
      );
    }
    return created.length;
  }

  private async enqueue(deliveryId: number, kind: NotificationChannelKind): Promise<void> {
    try {
      await this.jobs.enqueue(deliveryQueue(kind), { data: { deliveryId }, jobId: `delivery-${deliveryId}` });
    } catch (err) {
      // The row stays pending; the sweep job enqueues it again.
      logger().warn(
        { event: 'notifications.enqueue.failed', delivery_id: deliveryId, err: errorText(err) },
        'Could not queue a notification; it will be retried',
      );
    }
  }

  /** Re-enqueues deliveries still pending after `olderThanMs` (a lost enqueue, a restart without Redis). */
  async sweep(olderThanMs: number): Promise<number> {
    await this.repo.pruneGonePush(new Date(Date.now() - PUSH_GONE_KEEP_MS));
    const pending = await this.repo.pendingDeliveries(new Date(Date.now() - olderThanMs), 500);
    await Promise.all(pending.map((p) => this.enqueue(p.id, p.kind)));
    return pending.length;
  }

  // ── Delivery (background job) ────────────────────────────────────────────

  /** One attempt of one delivery; throws to have the queue retry it. */
  async deliver(deliveryId: number, attempt: { attempt: number; maxAttempts: number }): Promise<void> {
    const found = await this.repo.findDelivery(deliveryId);
    if (!found || found.delivery.status !== 'pending') return; // done already, or the channel was deleted
    const { delivery, channel } = found;
    if (!channel.enabled) {
      // Turned off after the message was queued: it is not sent, now or later.
      await this.repo.recordAttempt(delivery.id, { status: 'failed', error: CHANNEL_OFF });
      return;
    }
    const own = await this.repo.addressOf(delivery.userId, channel.id);
    const refusal = await this.addressRefusal(channel, delivery.userId, own, found.email);
    if (refusal) {
      await this.repo.recordAttempt(delivery.id, { status: 'failed', error: refusal });
      return;
    }
    const address = own ?? (MEMBER_ADDRESS[channel.kind] === 'email' ? found.email : null);
    const { pushedTo, ...composed } = delivery.payload as Omit<Message, 'id' | 'event'> & { pushedTo?: number[] };
    const message = { ...composed, id: String(delivery.id), event: delivery.event };
    const last = attempt.attempt >= attempt.maxAttempts;
    try {
      const push = channel.kind === 'webpush' ? { push: await this.pushRecipient(delivery.userId, delivery.id, pushedTo) } : {};
      await this.sendMeasured(channel, message, { username: found.username, address, ...push }, delivery.event, last);
      await this.repo.recordAttempt(delivery.id, { status: 'delivered', error: null });
    } catch (err) {
      const final = last || isFinalPushFailure(err);
      await this.repo.recordAttempt(delivery.id, { status: final ? 'failed' : 'pending', error: errorText(err) });
      // No device left to push to: retrying cannot help.
      if (!isFinalPushFailure(err)) throw err;
    }
  }

  private async sendMeasured(channel: ChannelRow, message: Message, recipient: Recipient, event: string, last: boolean): Promise<void> {
    const config: ChannelConfig = { kind: channel.kind, settings: channel.settings, secrets: this.secretsOf(channel) };
    const end = notificationDeliveryDuration.startTimer({ channel: channel.kind });
    try {
      await this.sender.send(config, message, recipient);
      notificationsTotal.inc({ channel: channel.kind, event, outcome: 'delivered' });
    } catch (err) {
      if (isFinalPushFailure(err)) {
        // The member's browsers are all gone: like a member who never subscribed, not a failing channel.
        notificationsTotal.inc({ channel: channel.kind, event, outcome: 'expired' });
        logger().info(
          { event: 'notifications.push.no_device', channel_id: channel.id, notification: event, err: errorText(err) },
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
          err: errorText(err),
        },
        `Notification over ${channel.kind} failed${last ? '' : '; it will be retried'}`,
      );
      throw err;
    } finally {
      end();
    }
  }

  // ── Web Push ─────────────────────────────────────────────────────────────

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
      let stored = (await this.repo.setting(VAPID_SETTING)) ?? (await this.repo.settingOnce(VAPID_SETTING, fresh()));
      let keys = this.openVapid(stored);
      if (!keys) {
        const replacement = fresh();
        stored = await this.repo.replaceSetting(VAPID_SETTING, stored, replacement);
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
    this.options.outbound.checkPushEndpoint(body.endpoint);
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

  /** A member's devices (but those that already took this delivery) with what the sender reports back. */
  private async pushRecipient(userId: string, deliveryId?: number, skip: number[] = []): Promise<PushRecipient> {
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

  get jobOptions() {
    return { attempts: this.options.attempts, backoffMs: this.options.retryBaseMs };
  }
}

function invalid(what: string, issues: { path: PropertyKey[]; message: string }[]) {
  return new AppError(400, 'VALIDATION_FAILED', `Invalid channel ${what}`, {
    details: issues.map((i) => ({ path: [what, ...i.path.map(String)].join('.'), message: i.message })),
  });
}

/** Builds the notifications feature from the process's parts. */
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
}): NotificationsService {
  const { config } = parts;
  const outbound = new OutboundPolicy({
    extraPushHosts: config.WEB_PUSH_HOSTS,
    allowLoopback: config.WEB_PUSH_ALLOW_LOOPBACK,
    connectTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  return new NotificationsService(
    new NotificationsRepository(parts.database),
    parts.box ?? new SecretBox(loadOrCreateKey(config.NOTIFICATIONS_SECRET_KEY, config.dataDir)),
    new ChannelSender(parts.breakers, config.UPSTREAM_TIMEOUT_MS, outbound),
    parts.jobs,
    {
      publicUrl: config.PUBLIC_URL,
      attempts: config.NOTIFICATIONS_ATTEMPTS,
      retryBaseMs: config.NOTIFICATIONS_RETRY_BASE_MS,
      outbound,
    },
    new AddressConfirmations(parts.database, config.PUBLIC_URL),
  );
}
