/**
 * In-process caches that never serve what another process has invalidated.
 *
 * Values are cached in each process (no network round trip to serve them).
 * Invalidations are numbered by a generation counter in Redis: whoever
 * invalidates first changes the database, then drops its own entries, then
 * INCRs the generation and PUBLISHes what to drop on this layer's own channel.
 * Every lookup starts with `sync()`, which reads the generation (one GET):
 * - nothing new since the last sync → entries are served;
 * - newer generations, all of whose messages have already arrived and were
 *   applied (the usual case) → entries are served; the invalidated ones are
 *   gone already;
 * - a generation whose message has not arrived yet (pub/sub is asynchronous,
 *   so it can lag behind the request that follows the invalidation) → the
 *   whole cache is dropped before anything is served.
 * So a change that completed before a request started is seen by that request
 * on every process. Without Redis there is one process, and the drop is
 * synchronous. While Redis is configured but does not answer, nothing is
 * cached or served from the cache (every lookup reads the database).
 *
 * A lookup that read the database may store its result only if nothing was
 * invalidated in this process since its sync (the `epoch`): a read racing an
 * invalidation never puts the old value back.
 */
import type { Redis } from 'ioredis';
import { logger } from '../observability/logging/logger';
import { collapsedIntoSpan } from '../observability/tracing/trace';
import type { RedisConnection } from '../redis/client';
import { errorMessage } from '../errors';

/** Proof of a sync: entries may be served with it, and stored if the epoch is still the same. */
export interface Ticket {
  readonly epoch: number;
}

interface Entry<V> {
  value: V;
  tags: readonly string[];
  expiresAt: number;
}

export const GENERATION_KEY = 'cache-coherence:generation';

/** A tagged in-process map; the coherence layer drops entries by tag. */
export class CoherentMap<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly coherence: CacheCoherence,
    private readonly options: { maxEntries: number; ttlMs: number; now?: () => number },
  ) {
    coherence.attach(this);
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** The cached value, if the ticket allows serving and the entry is fresh. */
  get(key: string, ticket: Ticket | undefined): V | undefined {
    if (!ticket) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores a value read under `ticket`, unless something was invalidated since. */
  set(key: string, value: V, tags: readonly string[], ticket: Ticket | undefined): void {
    if (!ticket || !this.coherence.canStore(ticket)) return;
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key); // re-insert: the Map's order is the eviction order
    this.entries.set(key, { value, tags, expiresAt: this.now() + this.options.ttlMs });
  }

  dropTags(tags: ReadonlySet<string>): void {
    for (const [key, entry] of this.entries) {
      if (entry.tags.some((t) => tags.has(t))) this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

export class CacheCoherence {
  private readonly maps = new Set<CoherentMap<unknown>>();
  /** Bumped by every drop in this process; a store must see the epoch of its sync. */
  private epoch = 0;
  /** Redis mode: the last generation this process synced to (undefined: not yet, or lost). */
  private generation: number | undefined;
  /** Generations above `generation` whose message was applied. */
  private readonly applied = new Set<number>();
  private subscriber: Redis | undefined;
  private subscribed = false;
  private readonly channel: string;

  constructor(
    private readonly redis?: RedisConnection,
    keyPrefix = '',
  ) {
    this.channel = `${keyPrefix}cache-coherence:invalidate`;
  }

  /** Redis mode: subscribes to the invalidation channel (a connection of its own). */
  start(): void {
    if (!this.redis || this.subscriber) return;
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', (err: Error) =>
      logger().debug({ event: 'cache.coherence.error', err: err.message }, 'Cache invalidation channel error'),
    );
    // Messages lost while unsubscribed show up as unapplied generations, and sync() then drops everything.
    sub.on('ready', () => {
      sub.subscribe(this.channel).then(
        () => {
          this.subscribed = true;
        },
        () => undefined,
      );
    });
    sub.on('close', () => {
      this.subscribed = false;
    });
    sub.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.receive(raw);
    });
  }

  attach(map: CoherentMap<unknown>): void {
    this.maps.add(map);
  }

  private drop(tags: ReadonlySet<string> | 'all'): void {
    this.epoch++;
    for (const map of this.maps) {
      if (tags === 'all') map.clear();
      else map.dropTags(tags);
    }
  }

  private receive(raw: string): void {
    let message: { generation: number; tags: string[] };
    try {
      message = JSON.parse(raw) as { generation: number; tags: string[] };
    } catch {
      return;
    }
    if (!Number.isInteger(message.generation) || !Array.isArray(message.tags)) return;
    this.drop(new Set(message.tags));
    if (this.generation !== undefined && message.generation > this.generation) this.applied.add(message.generation);
  }

  /** Call before each lookup; undefined means "read the database, cache nothing". */
  async sync(): Promise<Ticket | undefined> {
    if (!this.redis) return { epoch: this.epoch };
    if (!this.redis.isReady() || !this.subscribed) return this.lose();
    let current: number;
    try {
      // Every authenticated request makes this call: no span of its own, a count on the request's span.
      const redis = this.redis;
      current = Number((await collapsedIntoSpan('redis', () => redis.client.get(GENERATION_KEY))) ?? 0);
    } catch {
      return this.lose();
    }
    if (this.generation === undefined || current < this.generation) {
      // First sync, after an outage, or the counter was reset: nothing cached can be trusted.
      this.drop('all');
      this.applied.clear();
      this.generation = current;
    } else if (current > this.generation) {
      for (let g = this.generation + 1; g <= current; g++) {
        if (!this.applied.has(g)) {
          this.drop('all');
          break;
        }
      }
      for (const g of this.applied) if (g <= current) this.applied.delete(g);
      this.generation = current;
    }
    // Whatever is invalidated from now on bumps the epoch, and a read begun before it is not stored.
    return { epoch: this.epoch };
  }

  canStore(ticket: Ticket): boolean {
    return ticket.epoch === this.epoch;
  }

  private lose(): undefined {
    if (this.generation !== undefined || this.mapsHold()) {
      this.drop('all');
      this.generation = undefined;
      this.applied.clear();
    }
    return undefined;
  }

  private mapsHold(): boolean {
    for (const map of this.maps) if (map.size > 0) return true;
    return false;
  }

  /**
   * Drops entries tagged with any of `tags` here, then (with Redis) on every other process.
   * Call after the change is committed to the database.
   */
  async invalidate(tags: string[]): Promise<void> {
    this.drop(new Set(tags));
    if (!this.redis) return;
    try {
      const generation = await this.redis.client.incr(GENERATION_KEY);
      if (this.generation !== undefined && generation > this.generation) this.applied.add(generation);
      await this.redis.client.publish(this.channel, JSON.stringify({ generation, tags }));
    } catch (err) {
      // Others cannot be told; each of them stops serving its cache when it cannot reach Redis either.
      this.lose();
      logger().warn({ event: 'cache.coherence.publish_failed', err: errorMessage(err) }, 'Could not announce a cache invalidation');
    }
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    this.subscribed = false;
  }
}
