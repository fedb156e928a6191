/**
 * The owner's switch for automatic requests from members' watchlists: stored in the settings table
 * once an administrator used it (so every replica and every restart agrees), WATCHLIST_AUTO_REQUEST
 * until then.
 */
import { eq } from 'drizzle-orm';
import type { WatchlistOwnerSettings } from '@medianest/contracts';
import type { Database } from '../../db/client';
import { settings } from '../../db/schema';
import { logger } from '../../observability/logging/logger';

const AUTO_REQUEST_SETTING = 'watchlist.auto_request';

export class WatchlistOwnerSettingsStore {
  constructor(
    private readonly database: Database,
    /** WATCHLIST_AUTO_REQUEST: the answer until an administrator chooses. */
    private readonly autoRequestDefault: boolean,
  ) {}

  async get(): Promise<WatchlistOwnerSettings> {
    const [row] = await this.database.db.select({ value: settings.value }).from(settings).where(eq(settings.key, AUTO_REQUEST_SETTING));
    return { autoRequest: row ? row.value === 'true' : this.autoRequestDefault };
  }

  async set(next: WatchlistOwnerSettings, by: string): Promise<WatchlistOwnerSettings> {
    const value = String(next.autoRequest);
    await this.database.db
      .insert(settings)
      .values({ key: AUTO_REQUEST_SETTING, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
    logger().info(
      { event: 'watchlist.auto_request.changed', enabled: next.autoRequest, user_id: by },
      `Automatic requests from watchlists turned ${next.autoRequest ? 'on' : 'off'}`,
    );
    return this.get();
  }
}
