/**
 * One Plex watcher per cluster. Every MediaNest process (web replicas and
 * workers) may run the playback monitor, but only the holder of this lease
 * connects to Plex and exports the playback metrics, so Plex sees one
 * notification socket and `sum()` over the instances counts each stream once.
 *
 * With Redis the lease is a key (`playback:leader`, value = instance name)
 * set with NX and a TTL, renewed by its holder every third of the TTL; a
 * holder that dies stops renewing and another process takes over within one
 * TTL. Without Redis there is one process, and it always holds the lease.
 */
import type { RedisConnection } from '../../redis/client';

export const LEASE_KEY = 'playback:leader';
export const LEASE_TTL_MS = 30_000;

/** Renews the TTL only while the key still names this instance (another may hold it after a pause). */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface PlaybackLease {
  /** Takes or renews the lease; true while this process holds it. */
  tryHold(): Promise<boolean>;
  release(): Promise<void>;
  readonly renewEveryMs: number;
}

export class SoleProcessLease implements PlaybackLease {
  readonly renewEveryMs = LEASE_TTL_MS / 3;
  tryHold(): Promise<boolean> {
    return Promise.resolve(true);
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
}

export class RedisPlaybackLease implements PlaybackLease {
  readonly renewEveryMs: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly instance: string,
    private readonly ttlMs = LEASE_TTL_MS,
  ) {
    this.renewEveryMs = Math.floor(ttlMs / 3);
  }

  async tryHold(): Promise<boolean> {
    try {
      if ((await this.redis.client.set(LEASE_KEY, this.instance, 'PX', this.ttlMs, 'NX')) === 'OK') return true;
      return Number(await this.redis.client.eval(RENEW, 1, LEASE_KEY, this.instance, String(this.ttlMs))) === 1;
    } catch {
      // Redis away: nobody can prove they hold it; a holder steps down rather than risk two watchers.
      return false;
    }
  }

  async release(): Promise<void> {
    await this.redis.client.eval(RELEASE, 1, LEASE_KEY, this.instance).catch(() => undefined);
  }
}
