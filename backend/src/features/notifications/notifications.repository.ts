/**
 * Notification tables: channels (secrets sealed), members' preferences,
 * request followers and deliveries (one row per event, member and channel —
 * the unique key that makes each message go out once) — and members' Web Push
 * subscriptions with the server's VAPID keys.
 */
import type { MediaType, NotificationEvent, RequestStatus } from '@medianest/contracts';
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { ACTIVE_REQUEST_STATUSES } from '../media/requests.repository';
import {
  mediaRequests,
  notificationChannels,
  notificationDeliveries,
  notificationPreferences,
  pushSubscriptions,
  requestFollowers,
  users,
  type NotificationChannelKind,
} from '../../db/schema';

export type ChannelRow = typeof notificationChannels.$inferSelect;
export type PreferenceRow = typeof notificationPreferences.$inferSelect;
export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
export type NewDelivery = Pick<typeof notificationDeliveries.$inferInsert, 'eventKey' | 'event' | 'userId' | 'channelId' | 'payload'>;

/** A request as its followers see it, with who made it (the service decides who may be told). */
export interface RequestSummary {
  id: number;
  title: string;
  mediaType: MediaType;
  tmdbId: number;
  posterPath: string | null;
  status: RequestStatus;
  userId: string;
  requestedBy: string;
}

export interface Subscriber {
  userId: string;
  username: string;
  email: string | null;
  channelId: number;
  kind: NotificationChannelKind;
  address: string | null;
  /** The member's stored language (null: English), for the words of the message. */
  language: string | null;
}

export class NotificationsRepository {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  listChannels(): Promise<ChannelRow[]> {
    return this.db.select().from(notificationChannels).orderBy(asc(notificationChannels.id));
  }

  async findChannel(id: number): Promise<ChannelRow | undefined> {
    const [row] = await this.db.select().from(notificationChannels).where(eq(notificationChannels.id, id));
    return row;
  }

  async createChannel(values: Pick<ChannelRow, 'name' | 'kind' | 'enabled' | 'settings' | 'secrets'>): Promise<ChannelRow> {
    const [row] = await this.db.insert(notificationChannels).values(values).returning();
    return row!;
  }

  async updateChannel(
    id: number,
    values: Partial<Pick<ChannelRow, 'name' | 'enabled' | 'settings' | 'secrets'>>,
  ): Promise<ChannelRow | undefined> {
    const [row] = await this.db
      .update(notificationChannels)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(notificationChannels.id, id))
      .returning();
    return row;
  }

  async deleteChannel(id: number): Promise<boolean> {
    const rows = await this.db
      .delete(notificationChannels)
      .where(eq(notificationChannels.id, id))
      .returning({ id: notificationChannels.id });
    return rows.length > 0;
  }

  preferencesOf(userId: string): Promise<PreferenceRow[]> {
    return this.db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  }

  async setPreference(userId: string, channelId: number, events: NotificationEvent[], address: string | null): Promise<void> {
    await this.db
      .insert(notificationPreferences)
      .values({ userId, channelId, events, address })
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.channelId],
        set: { events, address, updatedAt: new Date() },
      });
  }

  /** The enabled channels on which each of `userIds` (or every member) wants `event`, with the member's address there. */
  subscribersOf(userIds: string[] | 'everyone', event: string): Promise<Subscriber[]> {
    if (userIds !== 'everyone' && userIds.length === 0) return Promise.resolve([]);
    return this.db
      .select({
        userId: users.id,
        username: users.username,
        email: users.email,
        channelId: notificationChannels.id,
        kind: notificationChannels.kind,
        address: notificationPreferences.address,
        language: users.language,
      })
      .from(notificationPreferences)
      .innerJoin(users, eq(users.id, notificationPreferences.userId))
      .innerJoin(notificationChannels, eq(notificationChannels.id, notificationPreferences.channelId))
      .where(
        and(
          userIds === 'everyone' ? undefined : inArray(notificationPreferences.userId, userIds),
          eq(notificationChannels.enabled, true),
          eq(users.enabled, true),
          sql`${notificationPreferences.events} @> ${JSON.stringify([event])}::jsonb`,
        ),
      );
  }

  async follow(requestId: number, userId: string): Promise<void> {
    await this.db.insert(requestFollowers).values({ requestId, userId }).onConflictDoNothing();
  }

  async unfollow(requestId: number, userId: string): Promise<void> {
    await this.db.delete(requestFollowers).where(and(eq(requestFollowers.requestId, requestId), eq(requestFollowers.userId, userId)));
  }

  async followers(requestId: number): Promise<string[]> {
    const rows = await this.db
      .select({ userId: requestFollowers.userId })
      .from(requestFollowers)
      .where(eq(requestFollowers.requestId, requestId));
    return rows.map((r) => r.userId);
  }

  async requestSummary(requestId: number): Promise<RequestSummary | undefined> {
    const [row] = await this.summaries().where(eq(mediaRequests.id, requestId));
    return row;
  }

  /** The newest request that still stands for a title (pending, approved, processing or available). */
  async standingRequestSummary(mediaType: MediaType, tmdbId: number): Promise<RequestSummary | undefined> {
    const [row] = await this.summaries()
      .where(
        and(
          eq(mediaRequests.mediaType, mediaType),
          eq(mediaRequests.tmdbId, tmdbId),
          inArray(mediaRequests.status, [...ACTIVE_REQUEST_STATUSES]),
        ),
      )
      .orderBy(desc(mediaRequests.id))
      .limit(1);
    return row;
  }

  private summaries() {
    return this.db
      .select({
        id: mediaRequests.id,
        title: mediaRequests.title,
        mediaType: mediaRequests.mediaType,
        tmdbId: mediaRequests.tmdbId,
        posterPath: mediaRequests.posterPath,
        status: mediaRequests.status,
        userId: mediaRequests.userId,
        requestedBy: users.username,
      })
      .from(mediaRequests)
      .innerJoin(users, eq(users.id, mediaRequests.userId))
      .$dynamic();
  }

  /** Inserts the deliveries not made yet; returns only the new ones (a repeated event returns none). */
  async insertDeliveries(rows: NewDelivery[]): Promise<{ id: number; channelId: number }[]> {
    if (rows.length === 0) return [];
    return this.db
      .insert(notificationDeliveries)
      .values(rows)
      .onConflictDoNothing({ target: [notificationDeliveries.eventKey, notificationDeliveries.userId, notificationDeliveries.channelId] })
      .returning({ id: notificationDeliveries.id, channelId: notificationDeliveries.channelId });
  }

  async findDelivery(id: number) {
    const [row] = await this.db
      .select({ delivery: notificationDeliveries, channel: notificationChannels, username: users.username, email: users.email })
      .from(notificationDeliveries)
      .innerJoin(notificationChannels, eq(notificationChannels.id, notificationDeliveries.channelId))
      .innerJoin(users, eq(users.id, notificationDeliveries.userId))
      .where(eq(notificationDeliveries.id, id));
    return row;
  }

  /** Whether a delivery still waits to be sent (not delivered, not ended). */
  async isPending(id: number): Promise<boolean> {
    const [row] = await this.db
      .select({ status: notificationDeliveries.status })
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.id, id));
    return row?.status === 'pending';
  }

  async addressOf(userId: string, channelId: number): Promise<string | null> {
    const [row] = await this.db
      .select({ address: notificationPreferences.address })
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.channelId, channelId)));
    return row?.address ?? null;
  }

  async recordAttempt(id: number, outcome: { status: DeliveryRow['status']; error: string | null }): Promise<void> {
    await this.db
      .update(notificationDeliveries)
      .set({
        status: outcome.status,
        lastError: outcome.error,
        attempts: sql`${notificationDeliveries.attempts} + 1`,
        deliveredAt: outcome.status === 'delivered' ? new Date() : null,
      })
      // A failed attempt to retry never reopens a message that was ended meanwhile (its channel turned off).
      .where(
        outcome.status === 'pending'
          ? and(eq(notificationDeliveries.id, id), eq(notificationDeliveries.status, 'pending'))
          : eq(notificationDeliveries.id, id),
      );
  }

  /** Ends every message still waiting on a channel (it was turned off): failed, with `error`, never sent. */
  async failPendingOf(channelId: number, error: string): Promise<number> {
    const ended = await this.db
      .update(notificationDeliveries)
      .set({ status: 'failed', lastError: error })
      .where(and(eq(notificationDeliveries.channelId, channelId), eq(notificationDeliveries.status, 'pending')))
      .returning({ id: notificationDeliveries.id });
    return ended.length;
  }

  /** Deliveries made since `since` per channel, by status, with pending split into queued (no attempt yet) and retrying. */
  deliveryCounts(since: Date) {
    const d = notificationDeliveries;
    return this.db
      .select({
        channelId: notificationChannels.id,
        name: notificationChannels.name,
        kind: notificationChannels.kind,
        delivered: sql<number>`count(*) filter (where ${d.status} = 'delivered')::int`,
        queued: sql<number>`count(*) filter (where ${d.status} = 'pending' and ${d.attempts} = 0)::int`,
        retrying: sql<number>`count(*) filter (where ${d.status} = 'pending' and ${d.attempts} > 0)::int`,
        failed: sql<number>`count(*) filter (where ${d.status} = 'failed')::int`,
      })
      .from(d)
      .innerJoin(notificationChannels, eq(notificationChannels.id, d.channelId))
      .where(gte(d.createdAt, since))
      .groupBy(notificationChannels.id, notificationChannels.name, notificationChannels.kind)
      .orderBy(asc(notificationChannels.id));
  }

  /** The latest deliveries whose last attempt failed (failed for good, or waiting for a retry). */
  recentFailures(limit: number) {
    const d = notificationDeliveries;
    return this.db
      .select({
        id: d.id,
        channel: notificationChannels.name,
        kind: notificationChannels.kind,
        event: d.event,
        attempts: d.attempts,
        status: d.status,
        error: d.lastError,
        createdAt: d.createdAt,
      })
      .from(d)
      .innerJoin(notificationChannels, eq(notificationChannels.id, d.channelId))
      .where(and(isNotNull(d.lastError), ne(d.status, 'delivered')))
      .orderBy(desc(d.id))
      .limit(limit);
  }

  /** Deliveries still pending (for re-enqueueing after a restart or a lost enqueue). */
  async pendingDeliveries(olderThan: Date, limit: number): Promise<{ id: number; kind: NotificationChannelKind }[]> {
    return this.db
      .select({ id: notificationDeliveries.id, kind: notificationChannels.kind })
      .from(notificationDeliveries)
      .innerJoin(notificationChannels, eq(notificationChannels.id, notificationDeliveries.channelId))
      .where(and(eq(notificationDeliveries.status, 'pending'), lt(notificationDeliveries.createdAt, olderThan)))
      .orderBy(asc(notificationDeliveries.id))
      .limit(limit);
  }

  // ── Web Push ─────────────────────────────────────────────────────────────

  /** Forgets every browser subscription (they were made for a key pair that is gone). */
  async deleteAllPushSubscriptions(): Promise<number> {
    return (await this.db.delete(pushSubscriptions).returning({ id: pushSubscriptions.id })).length;
  }

  pushSubscriptionsOf(userId: string): Promise<PushSubscriptionRow[]> {
    return this.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).orderBy(asc(pushSubscriptions.id));
  }

  /**
   * Saves a browser's subscription. The member's own endpoint subscribed again takes its new keys;
   * an endpoint another account holds is left alone (undefined): no account takes over another's device.
   */
  async savePushSubscription(
    values: Pick<PushSubscriptionRow, 'userId' | 'endpoint' | 'keys' | 'label'>,
  ): Promise<PushSubscriptionRow | undefined> {
    const [row] = await this.db
      .insert(pushSubscriptions)
      .values(values)
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { keys: values.keys, label: values.label, createdAt: new Date(), goneAt: null },
        setWhere: eq(pushSubscriptions.userId, values.userId),
      })
      .returning();
    return row;
  }

  /** Removes one subscription (of `userId` when given); returns whether one was removed. */
  async deletePushSubscription(where: { id?: number; endpoint?: string; userId?: string }): Promise<boolean> {
    const conditions = [
      where.id !== undefined ? eq(pushSubscriptions.id, where.id) : undefined,
      where.endpoint !== undefined ? eq(pushSubscriptions.endpoint, where.endpoint) : undefined,
      where.userId !== undefined ? eq(pushSubscriptions.userId, where.userId) : undefined,
    ].filter((c) => c !== undefined);
    if (conditions.length === 0) return false;
    const rows = await this.db
      .delete(pushSubscriptions)
      .where(and(...conditions))
      .returning({ id: pushSubscriptions.id });
    return rows.length > 0;
  }

  /** The push service no longer knows this browser: nothing is sent there again, and the sweep prunes it later. */
  async markPushGone(id: number): Promise<void> {
    await this.db
      .update(pushSubscriptions)
      .set({ goneAt: new Date() })
      .where(and(eq(pushSubscriptions.id, id), isNull(pushSubscriptions.goneAt)));
  }

  /** Removes the subscriptions whose push service said "gone" before `before`; returns how many. */
  async pruneGonePush(before: Date): Promise<number> {
    const rows = await this.db
      .delete(pushSubscriptions)
      .where(lt(pushSubscriptions.goneAt, before))
      .returning({ id: pushSubscriptions.id });
    return rows.length;
  }

  /** Notes that a device took a delivery's message, so a retry of the delivery skips it. */
  async markPushed(deliveryId: number, subscriptionId: number): Promise<void> {
    await this.db
      .update(notificationDeliveries)
      .set({
        payload: sql`jsonb_set(${notificationDeliveries.payload}, '{pushedTo}', coalesce(${notificationDeliveries.payload}->'pushedTo', '[]'::jsonb) || ${JSON.stringify([subscriptionId])}::jsonb)`,
      })
      .where(eq(notificationDeliveries.id, deliveryId));
  }

  async hasEnabledChannel(kind: NotificationChannelKind): Promise<boolean> {
    const rows = await this.db
      .select({ id: notificationChannels.id })
      .from(notificationChannels)
      .where(and(eq(notificationChannels.kind, kind), eq(notificationChannels.enabled, true)))
      .limit(1);
    return rows.length > 0;
  }
}
