/**
 * The in-process domain event bus. Features publish what happened; the
 * Socket.IO server (realtime/socket.ts) decides who receives it. Features
 * never import Socket.IO.
 */
import { EventEmitter } from 'node:events';
import type { DownloadProgress, MediaType, RequestStatus, ServiceStatus } from '../db/schema';

/** What every request event says about the request. */
export interface RequestEventBase {
  requestId: number;
  userId: string;
  mediaType: MediaType;
  tmdbId: number;
  title: string;
  status: RequestStatus;
}

export interface DomainEvents {
  /** A media request was created (admins are told). */
  'request.created': RequestEventBase;
  /**
   * A media request changed status (its owner is told). `actor` is who made
   * the change when known (the approving or declining Overseerr user);
   * `download` and `stalled` are its progress after the change.
   */
  'request.updated': RequestEventBase & {
    previousStatus: RequestStatus;
    actor?: string | null;
    download?: DownloadProgress | null;
    stalled?: boolean;
  };
  /** A request's download progress (or Plex item) changed without a status change (its owner is told). */
  'request.progress': RequestEventBase & { download: DownloadProgress | null; stalled: boolean };
  /** A monitored service changed state (everyone is told). */
  'service.status': { service: string; status: ServiceStatus; previousStatus: ServiceStatus | undefined; responseTimeMs: number | null; checkedAt: string };
  /** An account's role or enabled flag changed: its open sockets are re-evaluated (admin room left or joined, disabled → closed). */
  'user.updated': { userId: string };
  /** Sessions ended before their time: one (its stored id), or all of a user's. Open sockets of them are closed. */
  'session.revoked': { sessionId: string } | { userId: string };
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
