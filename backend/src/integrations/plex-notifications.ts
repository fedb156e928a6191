/**
 * The Plex server's real-time notification WebSocket
 * (`/:/websockets/notifications`): play-state changes and transcode-session
 * starts, updates and ends, pushed as they happen.
 *
 * The token travels in the `X-Plex-Token` upgrade header, never in the URL,
 * so no log line, error or span that names the URL can carry it. A closed or
 * refused socket is opened again with exponential backoff (full jitter,
 * capped); a socket that stops answering pings is treated as closed, so a
 * half-open connection (a NAT that forgot it) cannot pass for a live one.
 */
import type { LookupFunction } from 'node:net';
import WebSocket from 'ws';
import { logger } from '../observability/logging/logger';
import { parseNotification, type PlexNotification } from './plex-sessions';

export type NotificationSocketState = 'connecting' | 'connected' | 'disconnected';

export interface PlexNotificationSocketOptions {
  /** PLEX_URL (http or https); the socket uses ws or wss on the same host. */
  baseUrl: string;
  token: string | undefined;
  headers: Record<string, string>;
  onNotification(n: PlexNotification): void;
  onState(state: NotificationSocketState): void;
  /** Called each time the socket is opened again after it was lost. */
  onReconnect(): void;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  pingEveryMs?: number;
  /** Host name resolution, as for the HTTP client (tests resolve fake host names). */
  lookup?: LookupFunction;
  /** Jitter source (tests pin it). */
  random?: () => number;
}

export class PlexNotificationSocket {
  private socket: WebSocket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private wasConnected = false;
  private stopped = true;
  private state: NotificationSocketState = 'disconnected';

  constructor(private readonly options: PlexNotificationSocketOptions) {}

  get url(): string {
    return this.options.baseUrl.replace(/^http/, 'ws') + '/:/websockets/notifications';
  }

  get currentState(): NotificationSocketState {
    return this.state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.socket?.removeAllListeners();
    this.socket?.on('error', () => undefined);
    this.socket?.terminate();
    this.socket = undefined;
    this.setState('disconnected');
  }

  /** The wait before the next attempt after `failures` failed ones: full jitter under an exponential cap. */
  backoffMs(failures: number): number {
    const base = this.options.backoffBaseMs ?? 1_000;
    const cap = Math.min(this.options.backoffMaxMs ?? 60_000, base * 2 ** Math.min(failures, 16));
    return Math.round((this.options.random ?? Math.random)() * cap);
  }

  private setState(state: NotificationSocketState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState(state);
  }

  private connect(): void {
    this.setState('connecting');
    const headers = { ...this.options.headers, ...(this.options.token ? { 'X-Plex-Token': this.options.token } : {}) };
    const socket = new WebSocket(this.url, { headers, handshakeTimeout: 10_000, lookup: this.options.lookup });
    this.socket = socket;
    let alive = true;
    socket.on('open', () => {
      this.failures = 0;
      if (this.wasConnected) this.options.onReconnect();
      this.wasConnected = true;
      this.setState('connected');
      logger().info({ event: 'plex.notifications.connected' }, 'Plex notification socket connected');
      this.pingTimer = setInterval(() => {
        if (!alive) {
          socket.terminate(); // no pong since the last ping: the connection is gone
          return;
        }
        alive = false;
        socket.ping();
      }, this.options.pingEveryMs ?? 30_000);
    });
    socket.on('pong', () => (alive = true));
    socket.on('message', (data: Buffer) => {
      alive = true;
      for (const n of parseNotification(data.toString('utf8'))) this.options.onNotification(n);
    });
    socket.on('unexpected-response', (_req, res) => {
      // Plex answers a bad token with 401; the status names the problem, the request (and its header) is not logged.
      logger().warn(
        { event: 'plex.notifications.refused', status: res.statusCode },
        `Plex refused the notification socket (${res.statusCode})`,
      );
      socket.terminate();
    });
    socket.on('error', (err) => {
      logger().debug({ event: 'plex.notifications.error', err: err.message }, 'Plex notification socket error');
    });
    socket.on('close', () => {
      clearInterval(this.pingTimer);
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      if (this.state === 'connected') logger().warn({ event: 'plex.notifications.lost' }, 'Plex notification socket lost; reconnecting');
      this.setState('disconnected');
      const wait = this.backoffMs(this.failures++);
      this.retryTimer = setTimeout(() => this.connect(), wait);
    });
  }
}
