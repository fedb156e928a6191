/**
 * Closes a gap in the Redis Streams adapter's connection-state recovery, so a
 * socket that reconnects during a rolling restart misses no event.
 *
 * A recovering socket reads the stream after its last offset (XRANGE) and only
 * then joins its rooms. An event handed to this process's sockets in between
 * reaches neither way:
 * - an event this process emits is written to the stream (XADD) and handed to
 *   the local sockets when Redis answers: when the XRANGE ran before the XADD
 *   and the hand-over ran before the join, it is lost;
 * - an event another process emitted is read by this process's stream reader
 *   on its own connection: when that answer is handled before the XRANGE's,
 *   the same.
 * Here the recovery reads the stream again until no event of this process was
 * in flight meanwhile and the stream reader has handed over nothing past what
 * was read. Between the last read and the join there are only microtasks, so
 * nothing can slip in. At worst an event arrives twice; clients treat events
 * as idempotent updates.
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
  onRawMessage(raw: Record<string, string>, offset: string): unknown;
  constructor: {
    decode(raw: Record<string, string>): { data?: { packet: Packet; opts: { rooms: string[]; except: string[] } } };
    /** The stream id right after `offset` (XRANGE's start is inclusive). */
    nextOffset(offset: string): string;
  };
}

const BROADCAST = '3';
const MAX_ROUNDS = 20;

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
  adapter.broadcast = (packet, opts) => {
    if (opts.flags?.local) return broadcast(packet, opts);
    started++;
    const sent = broadcast(packet, opts);
    inFlight.add(sent);
    const done = () => inFlight.delete(sent);
    sent.then(done, done);
    return sent;
  };

  let lastHandedOver = '0-0';
  const onRawMessage = adapter.onRawMessage.bind(adapter);
  adapter.onRawMessage = (raw, offset) => {
    if (after(offset, lastHandedOver)) lastHandedOver = offset;
    return onRawMessage(raw, offset);
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
        if (raw.nsp !== adapter.nsp.name || raw.type !== BROADCAST) continue;
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
