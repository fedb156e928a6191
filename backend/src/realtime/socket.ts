/**
 * Socket.IO on the API port (path /socket.io): live request and service
 * status for the web app. Connections are authenticated by the session
 * cookie exactly as HTTP requests are (no cookie, no connection). The domain
 * event bus decides nothing about delivery; this module does:
 * - `request.updated` → the owner's room `user:<id>`;
 * - `request.progress` → the owner's room, as a `request.updated` whose
 *   status did not change (one event for the page to follow);
 * - `request.created` → `role:admin`;
 * - `service.status` → everyone.
 * A browser page may connect only from this server's own origin (PUBLIC_URL's
 * when set, else the Host it connected to): another site cannot ride a
 * member's cookie. When an account's role or enabled flag changes
 * (`user.updated`, relayed to every process), its sockets are re-evaluated
 * against the stored session and user: the admin room is left or joined,
 * and a disabled account's sockets are closed.
 * medianest_websocket_connections_active is incremented on connect and
 * decremented on every disconnect, abrupt ones included.
 */
import type http from 'node:http';
import { Server } from 'socket.io';
import { originAllowed } from '../http/public-url';
import { logger } from '../observability/logging/logger';
import { activeConnections } from '../observability/metrics/catalog';
import type { DomainEvents, EventBus } from './events';

export const SOCKET_PATH = '/socket.io';
export const ADMIN_ROOM = 'role:admin';
export const userRoom = (userId: string) => `user:${userId}`;

/** Who a connection is: the user and the stored id of the session its Cookie header carries. */
export interface ConnectionIdentity {
  user: SocketUser;
  sessionId: string;
}

export interface RealtimeDeps {
  /** Resolves a handshake's Cookie header to a signed-in, enabled user (undefined when it is not one). */
  identify(cookieHeader: string | undefined): Promise<ConnectionIdentity | undefined>;
  events: EventBus;
  /** PUBLIC_URL: when set, the only origin browser pages may connect from. */
  publicUrl?: string;
}

/** What the server sends; clients send nothing. */
export interface ServerToClientEvents {
  'request.created': (payload: DomainEvents['request.created']) => void;
  'request.updated': (payload: DomainEvents['request.updated']) => void;
  'service.status': (payload: DomainEvents['service.status']) => void;
}

export interface SocketUser {
  id: string;
  role: 'admin' | 'user';
}

interface SocketData {
  user: SocketUser;
  /** The stored id of the session the connection signed in with. */
  sessionId: string;
}

type NoEvents = Record<string, never>;
type RealtimeIo = Server<NoEvents, ServerToClientEvents, NoEvents, SocketData>;
type RealtimeSocket = Parameters<Parameters<RealtimeIo['on']>[1]>[0];

export interface RealtimeServer {
  readonly io: RealtimeIo;
  /** Disconnects every client and stops listening for events (the HTTP server is closed by its owner). */
  close(): Promise<void>;
}

export function attachRealtime(httpServer: http.Server, deps: RealtimeDeps): RealtimeServer {
  const io: RealtimeIo = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Clients only listen; nothing they send needs more than a small frame.
    maxHttpBufferSize: 16 * 1024,
  });

  io.use((socket, next) => {
    const { origin, host } = socket.handshake.headers;
    if (!originAllowed(origin, host, deps.publicUrl)) {
      logger().warn({ event: 'realtime.origin.refused', origin: String(origin).slice(0, 200) }, 'Refused a realtime connection from another origin');
      return next(new Error('FORBIDDEN_ORIGIN'));
    }
    next();
  });

  io.use((socket, next) => {
    deps.identify(socket.handshake.headers.cookie).then(
      (identity) => {
        if (!identity) return next(new Error('UNAUTHENTICATED'));
        socket.data.user = identity.user;
        socket.data.sessionId = identity.sessionId;
        next();
      },
      (err: unknown) => {
        logger().warn({ event: 'realtime.auth.failed', err: err instanceof Error ? err.message : String(err) }, 'Could not check a realtime session');
        next(new Error('SERVICE_UNAVAILABLE'));
      },
    );
  });

  io.on('connection', (socket) => {
    const { user } = socket.data;
    activeConnections.inc();
    socket.once('disconnect', () => activeConnections.dec());
    void socket.join(userRoom(user.id));
    if (user.role === 'admin') void socket.join(ADMIN_ROOM);
  });

  /** Checks one socket's session and user again: gone or disabled → closed; the admin room follows the role. */
  const reevaluate = async (socket: RealtimeSocket) => {
    let identity: ConnectionIdentity | undefined;
    try {
      identity = await deps.identify(socket.handshake.headers.cookie);
    } catch (err) {
      // Cannot tell whether the account may still listen: fail closed, the client reconnects and is checked then.
      logger().warn({ event: 'realtime.reevaluate.failed', err: err instanceof Error ? err.message : String(err) }, 'Could not re-check a realtime session');
      identity = undefined;
    }
    if (!identity || identity.user.id !== socket.data.user.id) {
      socket.disconnect(true);
      return;
    }
    socket.data.user = identity.user;
    if (identity.user.role === 'admin') void socket.join(ADMIN_ROOM);
    else void socket.leave(ADMIN_ROOM);
  };

  const unsubscribe = [
    deps.events.subscribe('request.updated', (payload) => {
      io.to(userRoom(payload.userId)).emit('request.updated', payload);
    }),
    deps.events.subscribe('request.progress', (payload) => {
      io.to(userRoom(payload.userId)).emit('request.updated', { ...payload, previousStatus: payload.status });
    }),
    deps.events.subscribe('request.created', (payload) => {
      io.to(ADMIN_ROOM).emit('request.created', payload);
    }),
    deps.events.subscribe('service.status', (payload) => {
      io.emit('service.status', payload);
    }),
    deps.events.subscribe('user.updated', ({ userId }) => {
      for (const socket of io.of('/').sockets.values()) {
        if (socket.data.user.id !== userId) continue;
        // Until the check answers, nothing admin-only reaches a socket whose role may have just been taken away.
        if (socket.rooms.has(ADMIN_ROOM)) void socket.leave(ADMIN_ROOM);
        void reevaluate(socket);
      }
    }),
    // Signing out, an admin disabling the account: its open connections end now, not at their next reconnect.
    deps.events.subscribe('session.revoked', (revoked) => {
      for (const socket of io.of('/').sockets.values()) {
        const { user, sessionId } = socket.data;
        if ('sessionId' in revoked ? sessionId === revoked.sessionId : user.id === revoked.userId) socket.disconnect(true);
      }
    }),
  ];

  return {
    io,
    async close() {
      for (const off of unsubscribe) off();
      io.disconnectSockets(true);
      io.engine.close();
    },
  };
}
