/**
 * Socket.IO (path /socket.io): what the server pushes. Clients send nothing.
 * - `request.created` → admins;
 * - `request.updated` → the request's owner (also for download progress without a status change);
 * - `service.status` → everyone signed in;
 * - `status.incident` → everyone signed in, when an incident opens and when it closes;
 * - `status.notices` → everyone signed in, when an announcement or maintenance window is created or ended;
 * - `issue.updated` → the member who reported the problem;
 * - `playback.updated` → admins: every Plex stream and the totals, on each change;
 * - `playback.mine` → a member whose own Plex streams changed: their streams;
 * - `realtime.ready` → a new (not recovered) connection, once.
 */
import type { DownloadProgress, ServiceIncident, StatusNotices } from './api';
import type { IssueStatus, MediaType, RequestStatus, ServiceStatus } from './domain';
import type { MyPlayback, NowPlaying } from './playback';

/** What every request event says about the request. */
export interface RequestEventBase {
  requestId: number;
  userId: string;
  mediaType: MediaType;
  tmdbId: number;
  title: string;
  status: RequestStatus;
}

export interface RealtimeEvents {
  /** A media request was created. */
  'request.created': RequestEventBase;
  /**
   * A media request changed status, or its download progress changed (then
   * `status` equals `previousStatus`). `actor` is who made the change when
   * known (the approving or declining Overseerr user); `download` and
   * `stalled` are its progress after the change.
   */
  'request.updated': RequestEventBase & {
    previousStatus: RequestStatus;
    actor?: string | null;
    download?: DownloadProgress | null;
    stalled?: boolean;
  };
  /**
   * Overseerr said something happened to a problem the member reported:
   * created, commented on (by `comment.author`), resolved or reopened.
   */
  'issue.updated': {
    issueId: number;
    userId: string;
    title: string;
    change: 'created' | 'comment' | 'resolved' | 'reopened';
    status: IssueStatus;
    comment: { author: string; message: string } | null;
  };
  /** A monitored service changed state. */
  'service.status': {
    service: string;
    status: ServiceStatus;
    previousStatus: ServiceStatus | undefined;
    responseTimeMs: number | null;
    checkedAt: string;
  };
  /** An incident opened (`endedAt` null) or closed. */
  'status.incident': ServiceIncident;
  /** The banners in force changed: the whole new list (announcements, maintenance now or ahead). */
  'status.notices': StatusNotices;
  /** What Plex plays changed: the whole list and totals (admins). */
  'playback.updated': NowPlaying;
  /** A member's own Plex streams changed: their whole list (empty once they stop). */
  'playback.mine': MyPlayback;
}

/** Socket.IO's event map of the server → client direction (`Server<…, ServerToClientEvents>`, `Socket<ServerToClientEvents>`). */
export type ServerToClientEvents = { [K in keyof RealtimeEvents]: (payload: RealtimeEvents[K]) => void } & {
  /** Sent once to a new (not recovered) connection, so the client holds a position in the event stream to recover from. */
  'realtime.ready': () => void;
};
