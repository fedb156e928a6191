/** Builds the watchlist feature from the process's parts (container.ts). */
import type { Cache } from '../../cache/cache';
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import type { PlexTvClient } from '../../integrations/plex-tv';
import type { MediaService } from '../media/media.service';
import type { RequestsService } from '../media/requests.service';
import type { UsersRepository } from '../users/users.repository';
import { WatchlistAutoRequester, type WatchlistRequestNotifier } from './auto-requester';
import { AutoRequestsRepository } from './auto-requests.repository';
import { WatchlistOwnerSettingsStore } from './owner-settings';
import type { PlexTokens } from './plex-tokens';
import { WatchlistService } from './watchlist.service';

export interface Watchlist {
  service: WatchlistService;
  tokens: PlexTokens;
  owner: WatchlistOwnerSettingsStore;
  /** The `watchlist-sync` job's work. */
  autoRequests: WatchlistAutoRequester;
  /** WATCHLIST_SYNC_INTERVAL_SECONDS in milliseconds. */
  checkEveryMs: number;
}

export function createWatchlist(parts: {
  config: Pick<Config, 'WATCHLIST_AUTO_REQUEST' | 'WATCHLIST_SYNC_INTERVAL_SECONDS' | 'OVERSEERR_URL' | 'OVERSEERR_API_KEY'>;
  database: Database;
  tokens: PlexTokens;
  cache: Cache;
  plexTv: PlexTvClient;
  media: MediaService;
  requests: RequestsService;
  users: UsersRepository;
  notifier: WatchlistRequestNotifier;
}): Watchlist {
  const { config } = parts;
  const { tokens } = parts;
  const owner = new WatchlistOwnerSettingsStore(parts.database, config.WATCHLIST_AUTO_REQUEST);
  const overseerrConfigured = Boolean(config.OVERSEERR_URL && config.OVERSEERR_API_KEY);
  const service = new WatchlistService(parts.plexTv, tokens, parts.media, parts.requests, owner, parts.cache, overseerrConfigured);
  const record = new AutoRequestsRepository(parts.database);
  const autoRequests = new WatchlistAutoRequester(owner, tokens, parts.users, service, parts.requests, record, parts.notifier);
  return { service, tokens, owner, autoRequests, checkEveryMs: Math.round(config.WATCHLIST_SYNC_INTERVAL_SECONDS * 1000) };
}
