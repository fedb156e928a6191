/**
 * Socket.IO (path /socket.io): what the server pushes. Clients send nothing.
 * - `request.created` → admins;
 * - `request.updated` → the request's owner;
 * - `service.status` → everyone signed in.
 */
import type { MediaType, RequestStatus, ServiceStatus } from './domain';

export interface RealtimeEvents {
  /** A media request was created. */
  'request.created': { requestId: number; userId: string; mediaType: MediaType; tmdbId: number; title: string; status: RequestStatus };
  /** A media request changed status. */
  'request.updated': {
    requestId: number;
    userId: string;
    mediaType: MediaType;
    tmdbId: number;
    title: string;
    status: RequestStatus;
    previousStatus: RequestStatus;
  };
  /** A monitored service changed state. */
  'service.status': {
    service: string;
    status: ServiceStatus;
    previousStatus: ServiceStatus | undefined;
    responseTimeMs: number | null;
    checkedAt: string;
  };
}

/** Socket.IO's event map of the server → client direction (`Server<…, ServerToClientEvents>`, `Socket<ServerToClientEvents>`). */
export type ServerToClientEvents = { [K in keyof RealtimeEvents]: (payload: RealtimeEvents[K]) => void };
