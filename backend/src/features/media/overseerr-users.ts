/**
 * Links a MediaNest user to their Overseerr user (by Plex account id, else
 * e-mail) and remembers it in users.overseerr_user_id, so requests can be
 * made on their behalf (X-API-User).
 */
import { AppError } from '../../errors';
import type { OverseerrClient } from '../../integrations/overseerr';
import { logger } from '../../observability/logging/logger';
import type { UsersRepository } from '../users/users.repository';
import type { User } from '../users/user';

export class OverseerrUserLinker {
  constructor(
    private readonly overseerr: OverseerrClient,
    private readonly users: UsersRepository,
  ) {}

  /** The user's Overseerr id: the stored one, else looked up (and stored). Undefined when no Overseerr user matches. */
  async link(user: User): Promise<number | undefined> {
    if (user.overseerrUserId !== null) return user.overseerrUserId;
    const plexId = user.plexId !== null && /^\d+$/.test(user.plexId) ? Number(user.plexId) : undefined;
    if (plexId === undefined && !user.email) return undefined;
    const match = await this.overseerr.findUser({ plexId, email: user.email });
    if (!match) {
      logger().info({ event: 'overseerr.user.unmatched', user_id: user.id }, 'No Overseerr user matches this account');
      return undefined;
    }
    await this.users.update(user.id, { overseerrUserId: match.id });
    logger().info(
      {
        event: 'overseerr.user.linked',
        user_id: user.id,
        overseerr_user_id: match.id,
        by: plexId !== undefined && match.plexId === plexId ? 'plex_id' : 'email',
      },
      'Linked account to its Overseerr user',
    );
    return match.id;
  }

  /**
   * The user's Overseerr id, or a 409 telling them to get imported into
   * Overseerr: without a matching Overseerr user MediaNest refuses rather than
   * act as the admin (whom Overseerr lets do anything and auto-approves).
   */
  async require(user: User): Promise<number> {
    const id = await this.link(user);
    if (id === undefined) {
      throw AppError.conflict(
        'Your account is not linked to an Overseerr user (none has your Plex account or e-mail). ' +
          'Ask the server owner to import you into Overseerr, then try again.',
        { reason: 'OVERSEERR_USER_NOT_LINKED' },
      );
    }
    return id;
  }
}
