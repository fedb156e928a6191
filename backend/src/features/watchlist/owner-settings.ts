/**
 * The owner's switch for automatic requests from members' watchlists: stored in the settings table
 * once an administrator used it (so every replica and every restart agrees), WATCHLIST_AUTO_REQUEST
 * until then.
 */
import type { WatchlistOwnerSettings } from '@medianest/contracts';
import type { Database } from '../../db/client';
import { SettingsRepository } from '../../db/settings.repository';
import { logger } from '../../observability/logging/logger';

const AUTO_REQUEST_SETTING = 'watchlist.auto_request';

export class WatchlistOwnerSettingsStore {
  private readonly settings: SettingsRepository;

  constructor(
    database: Database,
    /** WATCHLIST_AUTO_REQUEST: the answer until an administrator chooses. */
    private readonly autoRequestDefault: boolean,
  ) {
    this.settings = new SettingsRepository(database);
  }

  async get(): Promise<WatchlistOwnerSettings> {
    const value = await this.settings.get(AUTO_REQUEST_SETTING);
    return { autoRequest: value !== undefined ? value === 'true' : this.autoRequestDefault };
  }

  async set(next: WatchlistOwnerSettings, by: string): Promise<WatchlistOwnerSettings> {
    const value = String(next.autoRequest);
    await this.settings.set(AUTO_REQUEST_SETTING, value);
    logger().info(
      { event: 'watchlist.auto_request.changed', enabled: next.autoRequest, user_id: by },
      `Automatic requests from watchlists turned ${next.autoRequest ? 'on' : 'off'}`,
    );
    return this.get();
  }
}
