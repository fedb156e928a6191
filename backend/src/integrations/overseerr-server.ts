/**
 * Which Overseerr MediaNest talks to: the version from `GET /api/v1/status`
 * (Overseerr 1.x, Jellyseerr 2.x and Seerr 3.x all answer it with `version`
 * and `commitTag`), read at start and again whenever the Overseerr breaker
 * closes (it came back, possibly upgraded or replaced). Shown on the Ops page
 * and exported as `medianest_overseerr_info{version}` (one series: the
 * version last read).
 */
import { logger } from '../observability/logging/logger';
import { overseerrInfo } from '../observability/metrics/catalog';
import type { OverseerrClient } from './overseerr';
import type { OverseerrServerInfo } from '@medianest/contracts';
import { errorMessage } from '../errors';

export class OverseerrServer {
  private info: OverseerrServerInfo | null = null;

  constructor(private readonly client: Pick<OverseerrClient, 'status'>) {}

  /** The version last read (null before Overseerr first answered). */
  current(): OverseerrServerInfo | null {
    return this.info;
  }

  /** Reads the version; an Overseerr that does not answer keeps the last one known (the breaker reports the outage). */
  async refresh(): Promise<OverseerrServerInfo | null> {
    try {
      const { version, commitTag } = await this.client.status();
      const previous = this.info?.version;
      this.info = { version, commitTag, checkedAt: new Date().toISOString() };
      if (previous !== version) {
        overseerrInfo.reset();
        overseerrInfo.set({ version: version.slice(0, 64) }, 1);
        logger().info(
          { event: 'overseerr.version', version, previous_version: previous ?? null },
          previous === undefined ? `Overseerr ${version}` : `Overseerr changed from ${previous} to ${version}`,
        );
      }
    } catch (err) {
      logger().debug({ event: 'overseerr.version_unread', err: errorMessage(err) }, 'Could not read the Overseerr version');
    }
    return this.info;
  }
}
