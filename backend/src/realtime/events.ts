/**
 * The in-process domain event bus. Features publish what happened; the
 * Socket.IO server (realtime/socket.ts) decides who receives it. Features
 * never import Socket.IO.
 */
import { EventEmitter } from 'node:events';
import type { Announcement, DownloadProgress, MyPlayback, RealtimeEvents, RequestEventBase } from '@medianest/contracts';

export type { RequestEventBase } from '@medianest/contracts';

/** The events the web app receives (their payloads are the contract's), and the server-only ones. */
export interface DomainEvents extends RealtimeEvents {
  /** A request's download progress (or Plex item) changed without a status change (its owner is told, as a `request.updated`). */
  'request.progress': RequestEventBase & { download: DownloadProgress | null; stalled: boolean };
  /** An account's role or enabled flag changed: its open sockets are re-evaluated (admin room left or joined, disabled → closed). */
  'user.updated': { userId: string };
  /** Sessions ended before their time: one (its stored id), or all of a user's. Open sockets of them are closed. */
  'session.revoked': { sessionId: string } | { userId: string };
  /** An admin made an announcement: members who chose `announcement` are sent it (browsers get `status.notices`). */
  'announcement.created': Announcement;
  /** A member's own Plex streams changed (browsers of theirs get `playback.mine`). */
  'playback.member': MyPlayback & { userId: string };
}

type Listener<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => void;

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  publish<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  subscribe<K extends keyof DomainEvents>(event: K, listener: Listener<K>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}
