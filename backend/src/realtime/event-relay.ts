/**
 * Carries domain events between MediaNest processes over Redis pub/sub, so an
 * event published in one process reaches the Socket.IO clients of every
 * other: a request synced by `node dist/worker.js` updates the browsers
 * connected to the web process, and each web replica delivers every event
 * to its own clients, so web processes stay stateless and can be scaled out.
 * Without Redis there is one process and
 * nothing to relay. Delivery is best effort: while Redis is unreachable,
 * events stay local to the process that published them.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { logger } from '../observability/logging/logger';
import type { RedisConnection } from '../redis/client';
import type { DomainEvents, EventBus } from './events';

const RELAYED_EVENTS: readonly (keyof DomainEvents)[] = ['request.created', 'request.updated', 'request.progress', 'service.status', 'session.revoked', 'user.updated'];

interface Envelope {
  origin: string;
  event: keyof DomainEvents;
  payload: DomainEvents[keyof DomainEvents];
}

export interface EventRelay {
  close(): Promise<void>;
}

export function startEventRelay(events: EventBus, redis: RedisConnection, keyPrefix: string): EventRelay {
  const origin = randomUUID();
  const channel = `${keyPrefix}events`;
  const fromElsewhere = new WeakSet<object>();
  let closed = false;

  const subscriber: Redis = redis.duplicate();
  subscriber.on('error', (err: Error) => logger().debug({ event: 'events.relay.error', err: err.message }, 'Event relay Redis error'));
  // ioredis re-subscribes by itself after reconnecting.
  subscriber.subscribe(channel).catch((err: unknown) => {
    if (!closed) logger().warn({ event: 'events.relay.subscribe_failed', err: err instanceof Error ? err.message : String(err) }, 'Event relay could not subscribe');
  });
  subscriber.on('message', (ch: string, raw: string) => {
    if (ch !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === origin || !RELAYED_EVENTS.includes(envelope.event) || typeof envelope.payload !== 'object' || envelope.payload === null) return;
    fromElsewhere.add(envelope.payload);
    events.publish(envelope.event, envelope.payload as never);
  });

  const unsubscribe = RELAYED_EVENTS.map((event) =>
    events.subscribe(event, (payload) => {
      if (fromElsewhere.has(payload) || !redis.isReady()) return;
      const envelope: Envelope = { origin, event, payload };
      redis.client.publish(channel, JSON.stringify(envelope)).catch((err: unknown) => {
        logger().debug({ event: 'events.relay.publish_failed', err: err instanceof Error ? err.message : String(err) }, 'Event relay could not publish');
      });
    }),
  );

  return {
    async close() {
      closed = true;
      for (const off of unsubscribe) off();
      subscriber.disconnect();
    },
  };
}
