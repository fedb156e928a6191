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
import { RedisPlaybackLease, SoleProcessLease } from './playback-lease';
import { PlaybackMonitor } from './playback-monitor';

export function createPlaybackMonitor(deps: {
  config: Config;
  plex: PlexClient | undefined;
  users: UsersRepository;
  redis: RedisConnection | undefined;
  plexHeaders: Record<string, string>;
  lookup?: LookupFunction;
}): PlaybackMonitor | undefined {
  const { config, plex, users, redis } = deps;
  if (!plex || !config.PLEX_PLAYBACK_ENABLED) return undefined;
  return new PlaybackMonitor({
    config,
    plex,
    plexHeaders: deps.plexHeaders,
    lookup: deps.lookup,
    lease: redis ? new RedisPlaybackLease(redis, config.instance) : new SoleProcessLease(),
    async memberByPlexId(plexAccountId) {
      const user = await users.findByPlexId(plexAccountId);
      return user && { id: user.id, username: user.username };
    },
  });
}
