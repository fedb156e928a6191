/**
 * What the web app does with its one connection when it drops: a reconnecting
 * state, and a refetch for the pages when the server could not replay the
 * events missed meanwhile. The Socket.IO client is replaced by a stand-in that
 * plays the server's side of the events.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';

class FakeSocket extends EventEmitter {
  recovered = false;
  connects = 0;
  connect() {
    this.connects++;
    return this;
  }
  disconnect() {
    return this;
  }
}

const sockets: FakeSocket[] = [];
const options: unknown[] = [];
vi.mock('socket.io-client', () => ({
  io: (opts: unknown) => {
    const s = new FakeSocket();
    sockets.push(s);
    options.push(opts);
    return s;
  },
}));

const realtime = await import('./socket');

async function opened(): Promise<FakeSocket> {
  realtime.connectRealtime();
  await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(0));
  return sockets[sockets.length - 1]!;
}

/** The state as a component sees it (the snapshot useConnectionState reads). */
const stateAfter = () => realtime.getConnectionState();

afterEach(() => {
  realtime.disconnectRealtime();
  sockets.length = 0;
  options.length = 0;
});

describe('realtime connection', () => {
  it('tries WebSocket first, so no load balancer stickiness is needed', async () => {
    await opened();
    expect(options[0]).toMatchObject({ path: '/socket.io', transports: ['websocket', 'polling'] });
  });

  it('shows reconnecting after a drop, and asks pages to refetch only when the missed events were not replayed', async () => {
    const s = await opened();
    const refetches: string[] = [];
    const off = realtime.onRealtimeResync(() => refetches.push('refetch'));

    s.emit('connect');
    expect(stateAfter()).toBe('connected');
    expect(refetches).toEqual([]);

    s.emit('disconnect', 'transport close');
    expect(stateAfter()).toBe('reconnecting');

    // Back within the recovery window: the server replays what was missed, nothing to refetch.
    s.recovered = true;
    s.emit('connect');
    expect(stateAfter()).toBe('connected');
    expect(refetches).toEqual([]);

    // Back too late (or the server lost the state): the pages refetch.
    s.emit('disconnect', 'ping timeout');
    s.recovered = false;
    s.emit('connect');
    expect(refetches).toEqual(['refetch']);
    off();
  });

  it('tries again after the server closed the connection on purpose, and stays offline when the session is gone', async () => {
    vi.useFakeTimers();
    try {
      const s = await opened();
      s.emit('connect');
      s.emit('disconnect', 'io server disconnect');
      vi.advanceTimersByTime(1_000);
      expect(s.connects).toBe(1);
      s.emit('connect_error', new Error('UNAUTHENTICATED'));
      expect(stateAfter()).toBe('offline');
    } finally {
      vi.useRealTimers();
    }
  });
});
