/**
 * Planning: who is told what. On the request path (and in the Overseerr webhook) nothing is sent: a
 * request status change, an incident, an announcement or a title requested from a member's Plex watchlist
 * becomes delivery rows, worded in each member's language (messages.ts) — one per event,
 * member and channel, deduplicated by the database's unique key, so a retried webhook or a second
 * replica seeing the same event adds nothing — and one background job per new row on the channel
 * kind's queue (delivery-queue.ts).
 */
import type { Announcement, MediaType, NotificationEvent, RequestStatus, ServiceIncident } from '@medianest/contracts';
import type { JobQueue } from '../../jobs/job-queue';
import { logger } from '../../observability/logging/logger';
import type { DomainEvents, EventBus } from '../../realtime/events';
import { failureText } from './channel-dispatch';
import { enqueueDelivery } from './delivery-queue';
import { announcementMessage, incidentMessage, requestMessage, watchlistRequestedMessage, type MessageWords } from './messages';
import type { NewDelivery, NotificationsRepository, Subscriber } from './notifications.repository';

const EVENT_FOR_STATUS: Partial<Record<RequestStatus, 'request.approved' | 'request.available' | 'request.declined' | 'request.failed'>> = {
  approved: 'request.approved',
  available: 'request.available',
  declined: 'request.declined',
  failed: 'request.failed',
};

export class DeliveryPlanner {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly jobs: JobQueue,
    private readonly publicUrl: string | undefined,
  ) {}

  /** Subscribes to request status changes, incidents and announcements; returns the unsubscribe. */
  listen(events: EventBus): () => void {
    // Never awaited by the publisher: a slow database here must not slow the webhook, the request or the probes.
    const failed = (context: Record<string, unknown>) => (err: unknown) =>
      logger().error({ event: 'notifications.plan.failed', ...context, err: failureText(err) }, 'Could not plan notifications');
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

  /** Turns one status change into delivery rows (once) and delivery jobs. Returns how many were new. */
  async plan(change: DomainEvents['request.updated']): Promise<number> {
    const event = EVENT_FOR_STATUS[change.status];
    if (!event) return 0;
    const eventKey = `request:${change.requestId}:${change.status}`;
    const request = { id: change.requestId, title: change.title, mediaType: change.mediaType, status: change.status };
    const link = this.publicUrl ? `${this.publicUrl}/requests/${change.requestId}` : null;
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
    const created = await this.queue(rows, [...owners, ...followers]);
    if (created > 0) {
      logger().info(
        { event: 'notifications.planned', request_id: change.requestId, status: change.status, deliveries: created },
        'Notifications queued',
      );
    }
    return created;
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
    const link = this.publicUrl ? `${this.publicUrl}${to.path}` : null;
    const created = await this.queue(
      subscribers.map((s) => ({
        eventKey,
        event,
        userId: s.userId,
        channelId: s.channelId,
        payload: { ...words(s.language), occurredAt, link, request: null },
      })),
      subscribers,
    );
    if (created > 0) logger().info({ event: 'notifications.planned', key: eventKey, deliveries: created }, 'Notifications queued');
    return created;
  }

  /** Stores the rows not made yet and queues a job for each new one; returns how many were new. */
  private async queue(rows: NewDelivery[], subscribers: Subscriber[]): Promise<number> {
    const created = await this.repo.insertDeliveries(rows);
    const kinds = new Map(subscribers.map((s) => [s.channelId, s.kind]));
    await Promise.all(created.map((d) => enqueueDelivery(this.jobs, d.id, kinds.get(d.channelId)!)));
    return created.length;
  }
}
