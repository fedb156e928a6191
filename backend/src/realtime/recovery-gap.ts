/**
 * Closes two gaps in the Redis Streams adapter's connection-state recovery, so a
 * socket that reconnects during a rolling restart misses no event.
 *
 * Stream order. A client recovers from the stream id of the last event it got,
 * so it must get events in stream order. The adapter hands an event this
 * process emits to the local sockets as soon as Redis answers the XADD, while
 * an earlier event of another process reaches them only when this process's
 * stream reader gets to it: a socket could get Y, then disconnect before the
 * earlier X arrived, and recover from Y, past X. Here an own event is handed
 * over when the stream reader reaches it, right after everything before it
 * (at most HAND_OVER_WAIT_MS late, should the reader not get there).
 *
 * The recovery's own read. A recovering socket reads the stream after its last
 * offset (XRANGE) and only then joins its rooms. An event handed to this
 * process's sockets in between reaches neither way. Here the recovery reads the
 * stream again until no event of this process was in flight meanwhile and the
 * stream reader has handed over nothing past what was read. Between the last
 * read and the join there are only microtasks, so nothing can slip in.
 *
 * At worst an event arrives twice; clients treat events as idempotent updates.
 */
import type { Redis } from 'ioredis';

interface Packet {
  data: unknown[];
}
interface BroadcastOptions {
  rooms: Set<string>;
  except?: Set<string>;
  flags?: { local?: boolean };
}
interface RecoveredSession {
  rooms: string[];
  missedPackets: unknown[][];
}
/** The parts of the adapter instance this patch touches (the class itself is not exported). */
interface StreamsAdapter {
  nsp: { name: string };
  broadcast(packet: Packet, opts: BroadcastOptions): Promise<void>;
  restoreSession(pid: string, offset: string): Promise<RecoveredSession | undefined>;
  /** Writes to the stream; resolves to the entry's id. */
  publishAndReturnOffset(message: { type: number; data: unknown }): Promise<string>;
  /** Appends the stream id to an event's data, which is how the client learns where to recover from. */
  addOffsetIfNecessary(packet: Packet, opts: BroadcastOptions, offset: string): void;
  onRawMessage(raw: Record<string, string>, offset: string): unknown;
  constructor: {
    decode(raw: Record<string, string>): { data?: { packet: Packet; opts: { rooms: string[]; except: string[] } } };
    /** The stream id right after `offset` (XRANGE's start is inclusive). */
    nextOffset(offset: string): string;
  };
}

const BROADCAST = 3;
const MAX_ROUNDS = 20;
/** How long an own event may wait for the stream reader (which starts a moment after the adapter, or may be reconnecting). */
const HAND_OVER_WAIT_MS = 1_000;

/** Orders stream ids (`<ms>-<seq>`). */
function after(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am > bm : as > bs;
}

export function closeRecoveryGap(adapter: StreamsAdapter, redis: Redis, streamName: string): void {
  let started = 0;
  const inFlight = new Set<Promise<void>>();
  const broadcast = adapter.broadcast.bind(adapter);
  let lastHandedOver = '0-0';
  /** Own events written to the stream, by id, waiting for the reader to reach them (in id order). */
  const waiting = new Map<string, () => void>();

  const publishThenHandOver = async (packet: Packet, opts: BroadcastOptions): Promise<void> => {
    const local = { ...opts, flags: { ...opts.flags, local: true } };
    let offset: string;
    try {
      offset = await adapter.publishAndReturnOffset({
        type: BROADCAST,
        data: { packet, opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags } },
      });
    } catch {
      // Redis did not take it: the local sockets still get it, as the adapter does (no id to recover from).
      return broadcast(packet, local);
    }
    adapter.addOffsetIfNecessary(packet, opts, offset);
    if (!after(offset, lastHandedOver)) return broadcast(packet, local);
    await new Promise<void>((resolve) => {
      const handOver = () => {
        clearTimeout(timer);
        waiting.delete(offset);
        void broadcast(packet, local);
        resolve();
      };
      const timer = setTimeout(handOver, HAND_OVER_WAIT_MS);
      timer.unref();
      waiting.set(offset, handOver);
    });
  };

  adapter.broadcast = (packet, opts) => {
    if (opts.flags?.local) return broadcast(packet, opts);
    started++;
    const sent = publishThenHandOver(packet, opts);
    inFlight.add(sent);
    const done = () => inFlight.delete(sent);
    sent.then(done, done);
    return sent;
  };

  const onRawMessage = adapter.onRawMessage.bind(adapter);
  adapter.onRawMessage = (raw, offset) => {
    if (after(offset, lastHandedOver)) lastHandedOver = offset;
    const handed = onRawMessage(raw, offset);
    // Own events up to here, right after the others' before them (synchronously: the next entry read comes later).
    for (const [id, handOver] of waiting) {
      if (after(id, lastHandedOver)) break;
      handOver();
    }
    return handed;
  };

  const restoreSession = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restoreSession(pid, offset);
    if (!session) return session;
    // The adapter appends each missed packet's stream id to its data.
    const lastMissed = session.missedPackets.at(-1)?.at(-1);
    let from = typeof lastMissed === 'string' ? lastMissed : offset;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const mark = started;
      await Promise.allSettled([...inFlight]);
      const entries = await redis.xrange(streamName, adapter.constructor.nextOffset(from), '+', 'COUNT', 1000);
      for (const [id, fields] of entries) {
        from = id;
        const raw: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) raw[fields[i]!] = fields[i + 1]!;
        if (raw.nsp !== adapter.nsp.name || raw.type !== String(BROADCAST)) continue;
        const data = adapter.constructor.decode(raw).data;
        if (!data) continue;
        const { rooms, except } = data.opts;
        const included = rooms.length === 0 || session.rooms.some((r) => rooms.includes(r));
        if (included && !session.rooms.some((r) => except.includes(r))) {
          data.packet.data.push(id);
          session.missedPackets.push(data.packet.data);
        }
      }
      if (entries.length < 1000 && started === mark && inFlight.size === 0 && !after(lastHandedOver, from)) break;
    }
    return session;
  };
}
