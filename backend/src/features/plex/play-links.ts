/**
 * "Play on Plex" links: Plex Web at app.plex.tv opens an item of a named
 * server (by its machine identifier, read from the server's /identity) and
 * hands playback over to that server, at home or away.
 */
import type { PlexClient } from '../../integrations/plex';
import { logger } from '../../observability/logging/logger';
import { errorMessage } from '../../errors';

export function plexPlayUrl(machineIdentifier: string, ratingKey: string): string {
  const key = encodeURIComponent(`/library/metadata/${ratingKey}`);
  return `https://app.plex.tv/desktop#!/server/${encodeURIComponent(machineIdentifier)}/details?key=${key}`;
}

export class PlayLinks {
  constructor(private readonly plex: PlexClient | undefined) {}

  /** The server's machine identifier, or undefined without Plex or while it cannot be read (links are then left out). */
  async machineIdentifier(): Promise<string | undefined> {
    if (!this.plex) return undefined;
    try {
      return await this.plex.machineIdentifier();
    } catch (err) {
      logger().debug(
        { event: 'plex.play_link.unavailable', err: errorMessage(err) },
        'No Play on Plex link: the server identity is unknown',
      );
      return undefined;
    }
  }

  /** The link for one rating key (null without a key or a known server). */
  async forRatingKey(ratingKey: string | null): Promise<string | null> {
    if (!ratingKey) return null;
    const machineIdentifier = await this.machineIdentifier();
    return machineIdentifier ? plexPlayUrl(machineIdentifier, ratingKey) : null;
  }

  /** Adds `playUrl` to library items. */
  async attach<T extends { ratingKey: string }>(items: T[]): Promise<(T & { playUrl: string | null })[]> {
    const machineIdentifier = items.length ? await this.machineIdentifier() : undefined;
    return items.map((item) => ({ ...item, playUrl: machineIdentifier ? plexPlayUrl(machineIdentifier, item.ratingKey) : null }));
  }
}
