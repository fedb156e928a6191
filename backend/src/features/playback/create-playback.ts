/**
 * Builds the playback monitor when Plex is configured and playback watching
 * is on: the lease is Redis's when there is Redis (one watcher per cluster),
 * else this process's alone; members are found by their linked Plex account.
 */
import type { LookupFunction } from 'node:net';
import type { Config } from '../../config';
import type { PlexClient } from '../../integrations/plex';
import type { RedisConnection } from '../../redis/client';
import type { UsersRepository } from '../users/users.repository';
import type { PlaybackHistoryRecorder } from './playback-history';
import { RedisPlaybackLease, SoleProcessLease } from './playback-lease';
import { PlaybackMonitor } from './playback-monitor';
import { PlaybackService } from './playback.service';
import type { EventBus } from '../../realtime/events';

export function createPlaybackMonitor(deps: {
  config: Config;
  plex: PlexClient | undefined;
  users: UsersRepository;
  redis: RedisConnection | undefined;
  plexHeaders: Record<string, string>;
  lookup?: LookupFunction;
  history?: PlaybackHistoryRecorder;
}): PlaybackMonitor | undefined {
  const { config, plex, users, redis } = deps;
  if (!plex || !config.PLEX_PLAYBACK_ENABLED) return undefined;
  return new PlaybackMonitor({
    config,
    plex,
    plexHeaders: deps.plexHeaders,
    lookup: deps.lookup,
    history: deps.history,
    lease: redis ? new RedisPlaybackLease(redis, config.instance) : new SoleProcessLease(),
    async memberByPlexId(plexAccountId) {
      const user = await users.findByPlexId(plexAccountId);
      return user && { id: user.id, username: user.username };
    },
  });
}

/** Now playing for the routes and Socket.IO; answers "not watching" when there is no monitor. */
export function createPlaybackService(deps: {
  config: Config;
  monitor: PlaybackMonitor | undefined;
  events: EventBus;
  redis: RedisConnection | undefined;
}): PlaybackService {
  const { config } = deps;
  const capacity = config.PLEX_UPLOAD_CAPACITY_MBPS ? config.PLEX_UPLOAD_CAPACITY_MBPS * 1000 : null;
  // The snapshot outlives three reconcile reads: it expires only when its watcher is gone.
  return new PlaybackService(deps.monitor, deps.events, deps.redis, capacity, 3 * config.PLEX_SESSIONS_RECONCILE_SECONDS * 1000);
}
