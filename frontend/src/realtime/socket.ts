/**
 * The one Socket.IO connection (same origin, path /socket.io, authenticated by
 * the session cookie), opened while someone is signed in, and hooks to listen
 * to its events from a page.
 *
 * WebSocket first (no load balancer stickiness needed), long-polling only when
 * WebSockets are blocked. When the connection drops, the state is
 * `reconnecting`; the server keeps a dropped connection's state for two
 * minutes, on whichever replica it reconnects to, and replays the events it
 * missed. When that recovery was not possible (away longer, or the server's
 * state was lost), pages refetch what they show (`useRealtimeResync`).
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { Socket } from 'socket.io-client';
import type { RealtimeEvents } from '@medianest/contracts';

export type { RealtimeEvents };

export type ConnectionState = 'offline' | 'connecting' | 'connected' | 'reconnecting';

let socket: Socket | undefined;
let state: ConnectionState = 'offline';
const stateListeners = new Set<() => void>();

function notify(): void {
  for (const listener of stateListeners) listener();
}

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  notify();
}

function subscribe(onChange: () => void): () => void {
  stateListeners.add(onChange);
  return () => stateListeners.delete(onChange);
}

const resyncListeners = new Set<() => void>();

/** A connection came back without its missed events: whatever a page shows from events may be stale. */
function resync(): void {
  for (const listener of resyncListeners) listener();
}

/** Bumped on every connect/disconnect, so a slow import cannot resurrect a closed connection. */
let generation = 0;
let wanted = false;

/**
 * Opens the connection (idempotent); call once signed in. The client library
 * is loaded on demand, so the sign-in page does not download it.
 */
export function connectRealtime(): void {
  if (wanted) return;
  wanted = true;
  const mine = ++generation;
  state = 'connecting';
  notify();
  import('socket.io-client').then(
    ({ io }) => {
      if (mine !== generation) return;
      const s = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'], reconnectionDelayMax: 10_000 });
      let everConnected = false;
      s.on('connect', () => {
        // The first connection has nothing to catch up on; a later one has, unless its state was recovered.
        if (everConnected && !s.recovered) resync();
        everConnected = true;
        setState('connected');
      });
      s.on('disconnect', (reason) => {
        setState(everConnected ? 'reconnecting' : 'connecting');
        // The server closed it on purpose (session ended, account changed): the client does not retry by itself.
        // Try once more; a connection that is no longer allowed fails its handshake and stays closed.
        if (reason === 'io server disconnect') setTimeout(() => mine === generation && s.connect(), 1_000);
      });
      s.on('connect_error', (err) => {
        if (err.message === 'UNAUTHENTICATED') setState('offline');
        else setState(everConnected ? 'reconnecting' : 'connecting');
      });
      socket = s;
      notify();
    },
    () => {
      if (mine === generation) setState('offline');
    },
  );
}

/** Closes the connection; call on sign-out. */
export function disconnectRealtime(): void {
  if (!wanted) return;
  wanted = false;
  generation++;
  socket?.disconnect();
  socket = undefined;
  state = 'offline';
  notify();
}

/** Reconnects with the current cookie (after signing in as someone else). */
export function reconnectRealtime(): void {
  disconnectRealtime();
  connectRealtime();
}

export function getConnectionState(): ConnectionState {
  return state;
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribe, getConnectionState);
}

/** Calls `listener` whenever the connection came back without the events it missed; returns the unsubscribe. */
export function onRealtimeResync(listener: () => void): () => void {
  resyncListeners.add(listener);
  return () => resyncListeners.delete(listener);
}

/** Calls `refetch` whenever the connection came back without the events it missed (while the component is mounted). */
export function useRealtimeResync(refetch: () => void): void {
  const latest = useRef(refetch);
  useEffect(() => {
    latest.current = refetch;
  });
  useEffect(() => {
    const off = onRealtimeResync(() => latest.current());
    return () => {
      off();
    };
  }, []);
}

/** Calls `handler` for every `event` while the component is mounted. */
export function useRealtimeEvent<K extends keyof RealtimeEvents>(event: K, handler: (payload: RealtimeEvents[K]) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  const s = useSyncExternalStore(subscribe, () => socket);
  useEffect(() => {
    if (!s) return;
    const listener = (payload: RealtimeEvents[K]) => latest.current(payload);
    // The client socket is untyped: a plain string name, the payload typed by the contract above.
    const name: string = event;
    s.on(name, listener);
    return () => {
      s.off(name, listener);
    };
  }, [s, event]);
}
