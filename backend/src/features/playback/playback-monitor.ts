/**
 * Watches the Plex server's playback. While this process holds the playback
 * lease (one per cluster, playback-lease.ts) it:
 * - listens on the notification socket: a `stopped` play state ends the
 *   stream at once, other play states update it, and anything it does not
 *   know yet (a new session, a transcode starting, changing or ending) reads
 *   `/status/sessions` again — coalesced, so a burst of notifications costs
 *   one read;
 * - reads `/status/sessions` every PLEX_SESSIONS_RECONCILE_SECONDS anyway,
 *   and every PLEX_SESSIONS_POLL_SECONDS while the socket is down, so a
 *   missed notification cannot leave a ghost stream and a server without
 *   a working socket is still watched;
 * - records each stream's start and end in the playback history (once: the
 *   history's table refuses a second start or end, and every full read closes
 *   what a previous watcher left open);
 * - counts the library's items by type every LIBRARY_COUNT_EVERY_MS (at
 *   the next read again when a count fails).
 * The playback metrics come from here; a process that loses the lease stops
 * watching and drops its playback series, so only one process reports them.
 */
import type { LookupFunction } from 'node:net';
import type { Config } from '../../config';
import type { PlexClient } from '../../integrations/plex';
import { PlexNotificationSocket, type NotificationSocketState } from '../../integrations/plex-notifications';
import type { PlexNotification, PlexPlaybackSession } from '../../integrations/plex-sessions';
import { logger } from '../../observability/logging/logger';
import {
  plexBandwidth,
  plexLibraryItems,
  plexNotificationReconnects,
  plexNotificationSocketState,
  plexSessionStarts,
  plexStreams,
  plexTranscodes,
  plexTranscodesBelowRealtime,
  plexUploadCapacity,
  plexWanBandwidthAlertRatio,
} from '../../observability/metrics/catalog';
import { exportStreamMetrics, totals, transcodeReasons, type LiveStream, type PlaybackMember, type PlaybackTotals } from './live-streams';
import type { PlaybackHistoryRecorder } from './playback-history';
import type { PlaybackLease } from './playback-lease';
import { errorMessage } from '../../errors';

export const LIBRARY_COUNT_EVERY_MS = 15 * 60_000;

export type PlaybackConfig = Pick<
  Config,
  | 'PLEX_URL'
  | 'PLEX_TOKEN'
  | 'PLEX_SESSIONS_RECONCILE_SECONDS'
  | 'PLEX_SESSIONS_POLL_SECONDS'
  | 'PLEX_UPLOAD_CAPACITY_MBPS'
  | 'PLEX_WAN_BANDWIDTH_ALERT_RATIO'
>;

export interface PlaybackMonitorDeps {
  config: PlaybackConfig;
  plex: PlexClient;
  /** The MediaNest member linked to a Plex account id, if any. */
  memberByPlexId(plexAccountId: string): Promise<PlaybackMember | undefined>;
  lease: PlaybackLease;
  /** Headers Plex expects from a client (X-Plex-Client-Identifier, -Product, -Version). */
  plexHeaders: Record<string, string>;
  /** Host name resolution for the socket (the HTTP client's, see IntegrationOptions). */
  lookup?: LookupFunction;
  /** Where each stream's start and end are recorded (the playback history). */
  history?: PlaybackHistoryRecorder;
}

export type PlaybackListener = (streams: LiveStream[]) => void;

export class PlaybackMonitor {
  private readonly live = new Map<string, LiveStream>();
  private readonly socket: PlexNotificationSocket;
  private readonly listeners = new Set<PlaybackListener>();
  private leader = false;
  private running = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  /** When the library was last counted (0: not yet, or the last count failed): counted again by the poll loop when due. */
  private libraryCountedAt = 0;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(private readonly deps: PlaybackMonitorDeps) {
    this.socket = new PlexNotificationSocket({
      baseUrl: deps.config.PLEX_URL ?? '',
      token: deps.config.PLEX_TOKEN,
      headers: deps.plexHeaders,
      lookup: deps.lookup,
      onNotification: (n) => this.onNotification(n),
      onState: (state) => this.onSocketState(state),
      onReconnect: () => plexNotificationReconnects.inc(),
    });
  }

  /** Starts competing for the lease; watches Plex while it holds it. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.checkLease();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.leaseTimer);
    if (this.leader) {
      this.stopWatching();
      await this.deps.lease.release();
    }
  }

  get isLeader(): boolean {
    return this.leader;
  }

  get socketState(): NotificationSocketState {
    return this.socket.currentState;
  }

  streams(): LiveStream[] {
    return [...this.live.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.sessionKey.localeCompare(b.sessionKey));
  }

  totals(): PlaybackTotals {
    const capacity = this.deps.config.PLEX_UPLOAD_CAPACITY_MBPS;
    return totals(this.streams(), capacity ? capacity * 1000 : null);
  }

  /** Called with the whole list after every change. Returns the unsubscribe function. */
  onChange(listener: PlaybackListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads /status/sessions now (coalesced with a read already under way). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.readSessions();
      } while (this.refreshAgain && this.leader);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Counts the library's items by library type now. */
  async countLibrary(): Promise<void> {
    const byType = new Map<string, number>();
    for (const section of await this.deps.plex.sections()) {
      byType.set(section.type, (byType.get(section.type) ?? 0) + (await this.deps.plex.sectionSize(section.key)));
    }
    if (!this.leader) return;
    plexLibraryItems.reset();
    for (const [type, n] of byType) plexLibraryItems.set({ library_type: type }, n);
  }

  /** Every LIBRARY_COUNT_EVERY_MS, and at the next poll after a count that failed. */
  private async countLibraryWhenDue(): Promise<void> {
    if (this.libraryCountedAt && Date.now() - this.libraryCountedAt < LIBRARY_COUNT_EVERY_MS) return;
    try {
      await this.countLibrary();
      this.libraryCountedAt = Date.now();
    } catch (err) {
      this.logReadFailure('library', err);
    }
  }

  private async checkLease(): Promise<void> {
    const holds = await this.deps.lease.tryHold();
    if (!this.running) return;
    if (holds && !this.leader) this.startWatching();
    else if (!holds && this.leader) this.stopWatching();
    this.leaseTimer = setTimeout(() => void this.checkLease(), this.deps.lease.renewEveryMs);
    this.leaseTimer.unref();
  }

  private startWatching(): void {
    this.leader = true;
    logger().info({ event: 'playback.watching' }, 'Watching Plex playback (this process holds the playback lease)');
    const capacity = this.deps.config.PLEX_UPLOAD_CAPACITY_MBPS;
    // Configured in megabits per second, exported in bytes per second (Prometheus' base unit).
    if (capacity) plexUploadCapacity.set((capacity * 1_000_000) / 8);
    plexWanBandwidthAlertRatio.set(this.deps.config.PLEX_WAN_BANDWIDTH_ALERT_RATIO);
    this.exportSocketState('disconnected');
    exportStreamMetrics([]);
    this.socket.start();
    void this.poll();
    this.libraryCountedAt = 0;
  }

  private stopWatching(): void {
    this.leader = false;
    this.socket.stop();
    clearTimeout(this.pollTimer);
    this.live.clear();
    const series = [plexStreams, plexTranscodes, plexTranscodesBelowRealtime, plexBandwidth, plexLibraryItems, plexNotificationSocketState];
    for (const metric of [...series, plexUploadCapacity, plexWanBandwidthAlertRatio]) metric.reset();
    this.emit();
  }

  /** One read, then the next one after the reconcile interval (socket up) or the poll interval (socket down). */
  private async poll(): Promise<void> {
    clearTimeout(this.pollTimer);
    await Promise.all([this.refresh(), this.countLibraryWhenDue()]);
    if (!this.leader) return;
    clearTimeout(this.pollTimer); // another poll may have been started meanwhile (the socket changed state)
    const seconds =
      this.socket.currentState === 'connected'
        ? this.deps.config.PLEX_SESSIONS_RECONCILE_SECONDS
        : this.deps.config.PLEX_SESSIONS_POLL_SECONDS;
    this.pollTimer = setTimeout(() => void this.poll(), seconds * 1000);
    this.pollTimer.unref();
  }

  private onSocketState(state: NotificationSocketState): void {
    if (!this.leader) return;
    this.exportSocketState(state);
    // Lost: poll at the fallback pace from now on. Connected: catch up on what happened while it was away.
    if (state === 'disconnected' || state === 'connected') void this.poll();
  }

  private onNotification(n: PlexNotification): void {
    if (!this.leader || n.kind === 'other') return;
    if (n.kind === 'play-state') {
      const stream = this.live.get(n.sessionKey);
      if (n.state === 'stopped') {
        if (stream && n.viewOffsetMs !== null) stream.viewOffsetMs = n.viewOffsetMs;
        if (stream) this.end([stream]);
        return;
      }
      if (stream && (n.state === 'playing' || n.state === 'paused' || n.state === 'buffering')) {
        stream.state = n.state;
        if (n.viewOffsetMs !== null) stream.viewOffsetMs = n.viewOffsetMs;
        this.emit();
        return;
      }
    }
    void this.refresh();
  }

  private async readSessions(): Promise<void> {
    let sessions: PlexPlaybackSession[];
    try {
      sessions = await this.deps.plex.sessions();
    } catch (err) {
      this.logReadFailure('sessions', err);
      return;
    }
    if (!this.leader) return;
    const seen = new Set(sessions.map((s) => s.sessionKey));
    this.end(
      [...this.live.values()].filter((s) => !seen.has(s.sessionKey)),
      false,
    );
    for (const session of sessions) {
      const known = this.live.get(session.sessionKey);
      const member = known ? known.member : await this.member(session.plexAccountId);
      // What a converted stream's Media describes is its output: the source (quality in) is the item's own media.
      const source = session.decision === 'direct_play' ? session.source : (known?.source ?? (await this.itemSource(session)));
      const withSource = { ...session, source };
      const stream: LiveStream = {
        ...withSource,
        member,
        startedAt: known?.startedAt ?? new Date().toISOString(),
        transcodeReasons: transcodeReasons(withSource),
      };
      this.live.set(session.sessionKey, stream);
      if (!known) {
        this.deps.history?.started(stream);
        plexSessionStarts.inc({ decision: stream.decision, location: stream.location });
        logger().info(
          {
            event: 'playback.started',
            session: stream.sessionKey,
            decision: stream.decision,
            location: stream.location,
            member: member?.id,
          },
          'Plex playback started',
        );
      }
    }
    this.deps.history?.playing([...seen]);
    this.emit();
  }

  private end(streams: LiveStream[], emit = true): void {
    for (const stream of streams) {
      this.live.delete(stream.sessionKey);
      this.deps.history?.ended(stream);
      logger().info({ event: 'playback.ended', session: stream.sessionKey, decision: stream.decision }, 'Plex playback ended');
    }
    if (emit && streams.length) this.emit();
  }

  private async member(plexAccountId: string | null): Promise<PlaybackMember | null> {
    if (!plexAccountId) return null;
    try {
      return (await this.deps.memberByPlexId(plexAccountId)) ?? null;
    } catch {
      return null;
    }
  }

  private async itemSource(session: PlexPlaybackSession): Promise<PlexPlaybackSession['source']> {
    if (!session.ratingKey) return session.source;
    try {
      return await this.deps.plex.itemSource(session.ratingKey);
    } catch {
      return session.source;
    }
  }

  private exportSocketState(current: NotificationSocketState): void {
    for (const state of ['connected', 'connecting', 'disconnected'] as const)
      plexNotificationSocketState.set({ state }, state === current ? 1 : 0);
  }

  private emit(): void {
    const streams = this.streams();
    if (this.leader) exportStreamMetrics(streams);
    for (const listener of this.listeners) listener(streams);
  }

  private logReadFailure(what: string, err: unknown): void {
    logger().warn({ event: 'playback.read_failed', what, err: errorMessage(err) }, `Reading Plex ${what} failed`);
  }
}
