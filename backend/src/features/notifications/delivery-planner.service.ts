/**
 * Planning: who is told what. On the request path (and in the Overseerr webhook) nothing is sent: a
 * request status change, an incident or an announcement becomes delivery rows — one per event,
 * member and channel, deduplicated by the database's unique key, so a retried webhook or a second
 * replica seeing the same event adds nothing — and one background job per new row on the channel
 * kind's queue (delivery-queue.ts).
 */
import type { Announcement, NotificationEvent, RequestStatus, ServiceIncident } from '@medianest/contracts';
import type { JobQueue } from '../../jobs/job-queue';
import { logger } from '../../observability/logging/logger';
import type { DomainEvents, EventBus } from '../../realtime/events';
import { failureText } from './channel-dispatch';
import { enqueueDelivery } from './delivery-queue';
import { formatDuration, requestMessage } from './message-words';
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
        payload: { ...requestMessage(e, change.title, change.mediaType), link, occurredAt, request },
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
    const affects = incident.affects.length > 0 ? ` ${incident.affects.join(', ')} ${incident.endedAt ? 'work' : 'may not work'}.` : '';
    const words = incident.endedAt
      ? {
          title: `${incident.name} is back`,
          body: `${incident.name} is working again after ${formatDuration(incident.durationSeconds)}.${affects}`,
        }
      : { title: `${incident.name} is down`, body: `${incident.name} is not answering.${affects}` };
    return this.planBroadcast(`incident:${incident.id}:${incident.endedAt ? 'up' : 'down'}`, event, {
      ...words,
      occurredAt: incident.endedAt ?? incident.startedAt,
    });
  }

  /** An admin's announcement, to every member who chose `announcement`. */
  async planAnnouncement(announcement: Announcement): Promise<number> {
    return this.planBroadcast(`announcement:${announcement.id}`, 'announcement', {
      title: announcement.severity === 'warning' ? 'Important: announcement from your server' : 'Announcement from your server',
      body: announcement.message,
      occurredAt: announcement.createdAt,
    });
  }

  /** Delivery rows (once per event key, member and channel) and jobs for every member who chose `event`. */
  private async planBroadcast(
    eventKey: string,
    event: NotificationEvent,
    words: { title: string; body: string; occurredAt: string },
  ): Promise<number> {
    const subscribers = await this.repo.subscribersOf('everyone', event);
    const link = this.publicUrl ? `${this.publicUrl}/status` : null;
    const created = await this.queue(
      subscribers.map((s) => ({ eventKey, event, userId: s.userId, channelId: s.channelId, payload: { ...words, link, request: null } })),
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
