/**
 * Playback history: the watcher records each stream's start and end here
 * (PlaybackHistoryRecorder), the routes read the plays and the rollup (top
 * titles, plays per member) for a window of days, and a background job
 * deletes plays older than PLAYBACK_HISTORY_DAYS. Everything stays in
 * MediaNest's own database.
 *
 * Writes run one after another in the order the watcher saw the changes, so
 * an end never overtakes its start; a failed write is logged and the next
 * read of /status/sessions closes what is left open (endAllBut).
 */
import type { MyPlaybackHistory, PlaybackHistory, PlaybackHistoryEntry } from '@medianest/contracts';
import { logger } from '../../observability/logging/logger';
import type { LiveStream } from './live-streams';
import type { PlaybackHistoryRepository, PlaybackHistoryRow } from './playback-history.repository';
import { errorMessage } from '../../errors';

const DAY_MS = 86_400_000;
/** The most plays one answer lists (the rollup counts them all). */
export const HISTORY_LIST_LIMIT = 500;
export const TOP_TITLES = 10;

export class PlaybackHistoryRecorder {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly repo: PlaybackHistoryRepository) {}

  started(s: LiveStream): void {
    this.write('start', () =>
      this.repo.start({
        sessionKey: s.sessionKey,
        userId: s.member?.id ?? null,
        plexUsername: s.plexUsername,
        mediaType: s.type,
        title: s.title,
        grandparentTitle: s.show,
        season: s.season,
        episode: s.episode,
        year: s.year,
        player: s.player.title,
        product: s.player.product,
        decision: s.decision,
        location: s.location,
        durationMs: s.durationMs,
        startOffsetMs: s.viewOffsetMs,
        startedAt: new Date(s.startedAt),
      }),
    );
  }

  ended(s: LiveStream): void {
    this.write('end', () => this.repo.end(s.sessionKey, s.viewOffsetMs));
  }

  /** After a full read of /status/sessions: closes the rows of streams no longer playing. */
  playing(sessionKeys: string[]): void {
    this.write('reconcile', () => this.repo.endAllBut(sessionKeys));
  }

  /** Resolves once every write queued so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  private write(what: string, op: () => Promise<unknown>): void {
    this.chain = this.chain.then(op).then(
      () => undefined,
      (err: unknown) =>
        logger().warn({ event: 'playback.history_write_failed', what, err: errorMessage(err) }, 'Recording playback history failed'),
    );
  }
}

export function toHistoryEntry(r: PlaybackHistoryRow): PlaybackHistoryEntry {
  return {
    id: r.id,
    member: r.userId && r.username ? { id: r.userId, username: r.username } : null,
    plexUsername: r.plexUsername,
    type: r.mediaType,
    title: r.title,
    show: r.grandparentTitle,
    season: r.season,
    episode: r.episode,
    year: r.year,
    player: r.player,
    product: r.product,
    decision: r.decision as PlaybackHistoryEntry['decision'],
    location: r.location as PlaybackHistoryEntry['location'],
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    watchedSeconds: r.watchedSeconds,
  };
}

export class PlaybackHistoryService {
  constructor(
    private readonly repo: PlaybackHistoryRepository,
    private readonly retentionDays: number,
  ) {}

  /** Who watched what in the last `days` days (admins). */
  async forAdmin(days: number): Promise<PlaybackHistory> {
    const since = new Date(Date.now() - days * DAY_MS);
    const [plays, topTitles, perMember] = await Promise.all([
      this.repo.list(since, HISTORY_LIST_LIMIT),
      this.repo.topTitles(since, TOP_TITLES),
      this.repo.perMember(since),
    ]);
    return {
      days,
      plays: plays.map(toHistoryEntry),
      topTitles,
      perMember: perMember.map((m) => ({
        member: m.userId && m.username ? { id: m.userId, username: m.username } : null,
        plexUsername: m.plexUsername,
        plays: m.plays,
        watchedSeconds: m.watchedSeconds,
      })),
    };
  }

  /** A member's own plays in the last `days` days. */
  async forMember(userId: string, days: number): Promise<MyPlaybackHistory> {
    const plays = await this.repo.list(new Date(Date.now() - days * DAY_MS), HISTORY_LIST_LIMIT, userId);
    return { days, plays: plays.map(toHistoryEntry) };
  }

  /** Deletes plays older than the retention (PLAYBACK_HISTORY_DAYS); returns how many. */
  async prune(): Promise<number> {
    const deleted = await this.repo.deleteBefore(new Date(Date.now() - this.retentionDays * DAY_MS));
    if (deleted)
      logger().info({ event: 'playback.history_pruned', deleted }, `Deleted ${deleted} plays older than ${this.retentionDays} days`);
    return deleted;
  }
}
