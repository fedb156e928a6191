/**
 * Socket.IO on the API port (path /socket.io): live request and service
 * status for the web app. Connections are authenticated by the session
 * cookie exactly as HTTP requests are (no cookie, no connection). The domain
 * event bus decides nothing about delivery; this module does:
 * - `request.updated` → the owner's room `user:<id>`;
 * - `request.progress` → the owner's room, as a `request.updated` whose
 *   status did not change (one event for the page to follow);
 * - `request.created`, `playback.updated` → `role:admin`;
 * - `playback.member` → the member's room, as `playback.mine`;
 * - `service.status`, `status.incident`, `status.notices` → everyone;
 * - `issue.updated` → the room of the member who reported the problem;
 * - `session.revoked` → the connections of that session (room `session:<stored id>`) or of that user are closed.
 *
 * Across processes: with Redis, every process (web replicas and the worker) runs a Socket.IO server on the
 * Redis Streams adapter, so an emit or a room operation (disconnectSockets, socketsJoin, socketsLeave) made
 * in any process reaches the matching connections on every replica. The worker's server has no HTTP
 * listener: it only publishes. The stream keeps what was published while a reader was away, and commands
 * are queued while Redis is unreachable, so a Redis blip delays events instead of losing them.
 *
 * Connection state recovery: a client that reconnects within RECOVERY_WINDOW_MS (to any replica) gets its
 * rooms back and receives every event it missed. Socket.IO writes the missed events while it builds the
 * socket, before any middleware, so the stored session is checked first (`refuseStaleRecovery`): ended,
 * the account disabled, or its role changed while away → no recovery, the client connects afresh through
 * the handshake check. A recovered client is connected without the handshake check (an async check between
 * the replay and the connection would lose the events arriving meanwhile); its cookie is checked right
 * after, and a cookie of another session closes it. A client whose state could not be recovered is told by
 * `socket.recovered === false` and refetches what it shows.
 *
 * A browser page may connect only from this server's own origin (PUBLIC_URL's
 * when set, else the Host it connected to): another site cannot ride a
 * member's cookie. When an account's role or enabled flag changes
 * (`user.updated`), its sockets on every process leave the admin room at once
 * and are re-evaluated against the stored session and user: the admin room is
 * joined again for an admin, and a disabled account's sockets are closed.
 *
 * medianest_websocket_connections_active is incremented on connect and
 * decremented on every disconnect, abrupt ones included.
 */
import type http from 'node:http';
import type { ServerToClientEvents } from '@medianest/contracts';
import { closeRecoveryGap } from './recovery-gap';
import type { Redis } from 'ioredis';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { originAllowed } from '../http/public-url';
import { logger } from '../observability/logging/logger';
import { activeConnections } from '../observability/metrics/catalog';
import type { RedisConnection } from '../redis/client';
import type { EventBus } from './events';
import { errorMessage } from '../errors';

export const SOCKET_PATH = '/socket.io';
export const ADMIN_ROOM = 'role:admin';
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
const QUIT_WAIT_MS = 3_000;
/** How long a disconnected client's rooms and missed events are kept for it. */
export const RECOVERY_WINDOW_MS = 2 * 60_000;

/** Who a connection is: the user and the stored id of the session its Cookie header carries. */
export interface ConnectionIdentity {
  user: SocketUser;
  sessionId: string;
}

/** What every process needs to deliver domain events, on its own or through Redis to every other. */
export interface BroadcastDeps {
  events: EventBus;
  /** With Redis, delivery spans every process on the same Redis and key prefix. */
  redis?: RedisConnection;
  keyPrefix?: string;
}

export interface RealtimeDeps extends BroadcastDeps {
  /** Resolves a handshake's Cookie header to a signed-in, enabled user (undefined when it is not one). */
  identify(cookieHeader: string | undefined): Promise<ConnectionIdentity | undefined>;
  /** Resolves a stored session id to its signed-in, enabled user now (undefined once it ended or the user was disabled). */
  identifyStored(sessionId: string): Promise<ConnectionIdentity | undefined>;
  /** PUBLIC_URL: when set, the only origin browser pages may connect from. */
  publicUrl?: string;
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
/** Between the servers of a cluster (serverSideEmit). */
interface InterServerEvents {
  'user.updated': (userId: string) => void;
}
type RealtimeIo = Server<NoEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type RealtimeSocket = Socket<NoEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeServer {
  readonly io: RealtimeIo;
  /**
   * Closes every connection as a server shutdown (clients reconnect, to another replica when there is
   * one, and recover their state), stops listening for events and closes the Redis connection.
   * The HTTP server is closed by its owner.
   */
  close(): Promise<void>;
}

/**
 * The adapter subscribes on a duplicate of the publishing connection and drops the reply; a shutdown
 * that comes before the subscription completed (a process stopped right after it started) would
 * reject it with nobody listening. Its outcome shows in the adapter anyway, so it is marked handled.
 */
function settleSubscriptions(publisher: Redis): void {
  const duplicate = publisher.duplicate.bind(publisher);
  publisher.duplicate = (...args: Parameters<Redis['duplicate']>) => {
    const client = duplicate(...args);
    const subscribe = client.subscribe.bind(client) as (...channels: string[]) => Promise<unknown>;
    client.subscribe = ((...channels: string[]) => {
      const reply = subscribe(...channels);
      reply.catch(() => undefined);
      return reply;
    }) as unknown as Redis['subscribe'];
    return client;
  };
}

function createIo(deps: BroadcastDeps, options: Partial<ServerOptions>, httpServer?: http.Server): { io: RealtimeIo; publisher?: Redis } {
  let publisher: Redis | undefined;
  if (deps.redis) {
    publisher = deps.redis.queueing();
    settleSubscriptions(publisher);
    const prefix = deps.keyPrefix ?? '';
    const streamName = `${prefix}socket.io`;
    // Loaded only with Redis (it brings its own MessagePack codec): a server without Redis never reads it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when Redis is configured
    const { createAdapter } = require('@socket.io/redis-streams-adapter') as typeof import('@socket.io/redis-streams-adapter');
    const makeAdapter = createAdapter(publisher, {
      streamName,
      channelPrefix: `${prefix}socket.io`,
      sessionKeyPrefix: `${prefix}socket.io:session:`,
      // Long enough for RECOVERY_WINDOW_MS of events in a busy household; trimming older entries only costs recovery.
      maxLen: 10_000,
    });
    const redis = publisher;
    // Socket.IO calls `new adapter(nsp)`: a plain function (not an arrow) that returns the instance.
    options.adapter = function recoveringAdapter(nsp: Parameters<typeof makeAdapter>[0]) {
      const adapter = makeAdapter(nsp);
      closeRecoveryGap(adapter as unknown as Parameters<typeof closeRecoveryGap>[0], redis, streamName);
      return adapter;
    };
  }
  const serverOptions: Partial<ServerOptions> = {
    ...options,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
  };
  const io: RealtimeIo = httpServer ? new Server(httpServer, serverOptions) : new Server(serverOptions);
  return { io, publisher };
}

/** Hands domain events of this process to Socket.IO, which delivers them wherever the rooms' connections are. */
function deliverDomainEvents(io: RealtimeIo, events: EventBus, hasCluster: boolean): () => void {
  const unsubscribe = [
    events.subscribe('request.updated', (payload) => {
      io.to(userRoom(payload.userId)).emit('request.updated', payload);
    }),
    // Download progress reaches the page as a request.updated whose status did not change.
    events.subscribe('request.progress', (payload) => {
      io.to(userRoom(payload.userId)).emit('request.updated', { ...payload, previousStatus: payload.status });
    }),
    events.subscribe('issue.updated', (payload) => {
      io.to(userRoom(payload.userId)).emit('issue.updated', payload);
    }),
    events.subscribe('request.created', (payload) => {
      io.to(ADMIN_ROOM).emit('request.created', payload);
    }),
    // A role change or a disable: that user's connections on every replica leave the admin room now
    // (a room operation, carried by the adapter's stream), and every other server re-checks them.
    events.subscribe('user.updated', ({ userId }) => {
      io.in(userRoom(userId)).socketsLeave(ADMIN_ROOM);
      if (hasCluster) io.serverSideEmit('user.updated', userId);
    }),
    events.subscribe('status.incident', (payload) => {
      io.emit('status.incident', payload);
    }),
    events.subscribe('status.notices', (payload) => {
      io.emit('status.notices', payload);
    }),
    events.subscribe('service.status', (payload) => {
      io.emit('service.status', payload);
    }),
    events.subscribe('playback.updated', (payload) => {
      io.to(ADMIN_ROOM).emit('playback.updated', payload);
    }),
    events.subscribe('playback.member', ({ userId, streams }) => {
      io.to(userRoom(userId)).emit('playback.mine', { streams });
    }),
    // Signing out, an admin disabling the account: its open connections end now, on every replica.
    // A server-side disconnect is not recoverable: the client does not come back with the old state.
    events.subscribe('session.revoked', (revoked) => {
      io.in('sessionId' in revoked ? sessionRoom(revoked.sessionId) : userRoom(revoked.userId)).disconnectSockets(true);
    }),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}

async function closeIo(io: RealtimeIo, publisher: Redis | undefined, stopDelivery: () => void): Promise<void> {
  stopDelivery();
  if (io.engine) {
    // Every connection ends as "server shutting down": recoverable, so its state is kept (in Redis) first.
    // Resolves once the connections are closed; the HTTP server's own close is left to its owner.
    await io.close();
  } else {
    // Without HTTP listener there are no connections, only the adapter to stop.
    await io.of('/').adapter.close();
  }
  // QUIT after what is queued (the recovery sessions just persisted) has been sent; while Redis is
  // unreachable that cannot happen, so the connection is dropped after a bounded wait.
  if (publisher) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([publisher.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)))]);
    clearTimeout(timer);
    publisher.disconnect();
  }
}

/**
 * Recovers a disconnected client's state only while what it was still holds: the same session, its user
 * enabled and in the same role. Anything else (signed out, disabled, demoted or promoted while away) and
 * the client starts afresh: through the handshake check, with the rooms its role has now, and without
 * the events that were meant for who it was. Cannot check → no recovery (the client only refetches).
 */
function refuseStaleRecovery(io: RealtimeIo, identifyStored: RealtimeDeps['identifyStored']): void {
  const adapter = io.of('/').adapter as unknown as {
    restoreSession(pid: string, offset: string): Promise<{ data?: Partial<SocketData> } | null | undefined>;
  };
  const restoreSession = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restoreSession(pid, offset);
    if (!session) return session;
    const was = session.data;
    let now: ConnectionIdentity | undefined;
    try {
      now = was?.sessionId ? await identifyStored(was.sessionId) : undefined;
    } catch (err) {
      logger().warn({ event: 'realtime.auth.failed', err: errorMessage(err) }, 'Could not check a realtime session before recovering it');
    }
    if (now && was?.user && now.user.id === was.user.id && now.user.role === was.user.role) return session;
    logger().info(
      { event: 'realtime.recovery.refused', user_id: was?.user?.id },
      'Not recovering a realtime connection whose account changed',
    );
    return undefined;
  };
}

export function attachRealtime(httpServer: http.Server, deps: RealtimeDeps): RealtimeServer {
  const { io, publisher } = createIo(
    deps,
    {
      path: SOCKET_PATH,
      serveClient: false,
      // Clients only listen; nothing they send needs more than a small frame.
      maxHttpBufferSize: 16 * 1024,
    },
    httpServer,
  );
  refuseStaleRecovery(io, (sessionId) => deps.identifyStored(sessionId));

  io.use((socket, next) => {
    const { origin, host } = socket.handshake.headers;
    if (!originAllowed(origin, host, deps.publicUrl)) {
      logger().warn(
        { event: 'realtime.origin.refused', origin: String(origin).slice(0, 200) },
        'Refused a realtime connection from another origin',
      );
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
        logger().warn({ event: 'realtime.auth.failed', err: errorMessage(err) }, 'Could not check a realtime session');
        next(new Error('SERVICE_UNAVAILABLE'));
      },
    );
  });

  const joinRooms = (socket: RealtimeSocket, identity: ConnectionIdentity) => {
    socket.data.user = identity.user;
    socket.data.sessionId = identity.sessionId;
    void socket.join([userRoom(identity.user.id), sessionRoom(identity.sessionId)]);
    if (identity.user.role === 'admin') void socket.join(ADMIN_ROOM);
    else void socket.leave(ADMIN_ROOM);
  };

  io.on('connection', (socket) => {
    activeConnections.inc();
    socket.once('disconnect', () => activeConnections.dec());
    if (!socket.recovered) {
      joinRooms(socket, { user: socket.data.user, sessionId: socket.data.sessionId });
      io.to(socket.id).emit('realtime.ready');
      return;
    }
    // Recovered: connected at once with its old rooms (a handshake check in between would drop the
    // events that arrive during it); the stored session was checked before the replay. The cookie is
    // checked now: another session, or one that ended since → closed; role changed since → rooms fixed.
    deps.identify(socket.handshake.headers.cookie).then(
      (identity) => {
        if (!identity || identity.sessionId !== socket.data.sessionId) socket.disconnect(true);
        else joinRooms(socket, identity);
      },
      (err: unknown) => {
        logger().warn({ event: 'realtime.auth.failed', err: errorMessage(err) }, 'Could not check a recovered realtime session');
      },
    );
  });

  /** Checks one socket's session and user again: gone or disabled → closed; the admin room follows the role. */
  const reevaluate = async (socket: RealtimeSocket) => {
    let identity: ConnectionIdentity | undefined;
    try {
      identity = await deps.identify(socket.handshake.headers.cookie);
    } catch (err) {
      // Cannot tell whether the account may still listen: fail closed, the client reconnects and is checked then.
      logger().warn({ event: 'realtime.reevaluate.failed', err: errorMessage(err) }, 'Could not re-check a realtime session');
      identity = undefined;
    }
    if (!identity || identity.user.id !== socket.data.user.id) {
      socket.disconnect(true);
      return;
    }
    joinRooms(socket, identity);
  };
  const reevaluateUser = (userId: string) => {
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.user.id !== userId) continue;
      // Until the check answers, nothing admin-only reaches a socket whose role may have just been taken away.
      if (socket.rooms.has(ADMIN_ROOM)) void socket.leave(ADMIN_ROOM);
      void reevaluate(socket);
    }
  };
  // A role change or a disable made through another process (its delivery asks every server to re-check).
  io.on('user.updated', reevaluateUser);
  const offUserUpdated = deps.events.subscribe('user.updated', ({ userId }) => reevaluateUser(userId));

  const stopDelivery = deliverDomainEvents(io, deps.events, publisher !== undefined);
  return {
    io,
    close: () =>
      closeIo(io, publisher, () => {
        offUserUpdated();
        stopDelivery();
      }),
  };
}

/**
 * A Socket.IO server without HTTP listener, for a process that serves no browsers (the worker): what its
 * jobs publish on the domain event bus reaches the web replicas' connections through the Redis adapter.
 */
export function startRealtimeBroadcaster(deps: BroadcastDeps & { redis: RedisConnection }): RealtimeServer {
  const { io, publisher } = createIo(deps, {});
  const stopDelivery = deliverDomainEvents(io, deps.events, publisher !== undefined);
  return { io, close: () => closeIo(io, publisher, stopDelivery) };
}
