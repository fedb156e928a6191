/**
 * The one Socket.IO connection (same origin, path /socket.io, authenticated by
 * the session cookie), opened while someone is signed in, and a hook to
 * listen to its events from a page.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { Socket } from 'socket.io-client';
import type { MediaType, RequestStatus, ServiceState } from '../api/types';

export interface RealtimeEvents {
  'request.updated': {
    requestId: number;
    userId: string;
    mediaType: MediaType;
    tmdbId: number;
    title: string;
    status: RequestStatus;
    /** Equal to `status` when only the download progress changed. */
    previousStatus: RequestStatus;
    stalled?: boolean;
  };
  'request.created': {
    requestId: number;
    userId: string;
    mediaType: MediaType;
    tmdbId: number;
    title: string;
    status: RequestStatus;
  };
  'service.status': {
    service: string;
    status: ServiceState;
    previousStatus: ServiceState | undefined;
    responseTimeMs: number | null;
    checkedAt: string;
  };
}

export type ConnectionState = 'offline' | 'connecting' | 'connected';

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
      const s = io({ path: '/socket.io', withCredentials: true, reconnectionDelayMax: 10_000 });
      s.on('connect', () => setState('connected'));
      s.on('disconnect', () => setState('connecting'));
      s.on('connect_error', () => setState('connecting'));
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

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribe, () => state);
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
    s.on(event as string, listener);
    return () => {
      s.off(event as string, listener);
    };
  }, [s, event]);
}
