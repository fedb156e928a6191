/**
 * Now playing for the web app, from whichever process watches Plex. The
 * watcher publishes every change on the event bus (`playback.updated` for
 * admins, `playback.member` for each member whose own streams changed —
 * Socket.IO carries both to every replica) and, with Redis, keeps the
 * latest list under `playback:now` for replicas that do not watch, renewed
 * on every read of /status/sessions so it expires only when the watcher is
 * gone. Without Redis the one process answers from its own list.
 */
import type { MyPlayback, NowPlaying, PlaybackStream } from '@medianest/contracts';
import type { EventBus } from '../../realtime/events';
import type { RedisConnection } from '../../redis/client';
import { totals, type LiveStream } from './live-streams';
import type { PlaybackMonitor } from './playback-monitor';

export const SNAPSHOT_KEY = 'playback:now';

export function toPlaybackStream(s: LiveStream): PlaybackStream {
  const t = s.transcode;
  return {
    sessionKey: s.sessionKey,
    member: s.member,
    plexUsername: s.plexUsername,
    type: s.type,
    title: s.title,
    show: s.show,
    season: s.season,
    episode: s.episode,
    year: s.year,
    durationMs: s.durationMs,
    viewOffsetMs: s.viewOffsetMs,
    player: s.player,
    state: s.state,
    location: s.location,
    bandwidthKbps: s.bandwidthKbps,
    decision: s.decision,
    transcodeReasons: s.transcodeReasons,
    source: s.source,
    transcode: t && {
      videoDecision: t.videoDecision,
      audioDecision: t.audioDecision,
      hardware: t.hardware,
      hwRequested: t.hwRequested,
      speed: t.speed,
      throttled: t.throttled,
      container: t.container,
      videoCodec: t.videoCodec,
      height: t.height,
    },
    startedAt: s.startedAt,
  };
}

export class PlaybackService {
  private membersWatching = new Set<string>();
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly monitor: PlaybackMonitor | undefined,
    private readonly events: EventBus,
    private readonly redis: RedisConnection | undefined,
    private readonly uploadCapacityKbps: number | null,
    private readonly snapshotTtlMs: number,
  ) {}

  /** Publishes the watcher's changes (call once per process; only the lease holder has any). */
  start(): void {
    if (!this.monitor || this.stopListening) return;
    this.stopListening = this.monitor.onChange((streams) => this.publish(streams));
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  /** Every stream with the totals (admins). */
  async now(): Promise<NowPlaying> {
    if (!this.monitor) return this.build([], false);
    if (this.monitor.isLeader || !this.redis) return this.build(this.monitor.streams().map(toPlaybackStream), true);
    const raw = await this.redis.client.get(SNAPSHOT_KEY).catch(() => null);
    if (!raw) return this.build([], true);
    return JSON.parse(raw) as NowPlaying;
  }

  /** A member's own streams. */
  async mine(userId: string): Promise<MyPlayback> {
    return { streams: (await this.now()).streams.filter((s) => s.member?.id === userId) };
  }

  private build(streams: PlaybackStream[], watching: boolean): NowPlaying {
    return { streams, totals: totals(streams, this.uploadCapacityKbps), watching };
  }

  private publish(live: LiveStream[]): void {
    const now = this.build(live.map(toPlaybackStream), true);
    this.redis?.client.set(SNAPSHOT_KEY, JSON.stringify(now), 'PX', this.snapshotTtlMs).catch(() => undefined);
    this.events.publish('playback.updated', now);
    const watching = new Set(now.streams.flatMap((s) => (s.member ? [s.member.id] : [])));
    for (const userId of new Set([...this.membersWatching, ...watching])) {
      this.events.publish('playback.member', { userId, streams: now.streams.filter((s) => s.member?.id === userId) });
    }
    this.membersWatching = watching;
  }
}
