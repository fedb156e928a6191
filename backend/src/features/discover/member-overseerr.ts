/**
 * Reads from Overseerr as the signed-in member (X-API-User), so the owner's
 * per-user settings in Overseerr (language, region, what they may see) apply,
 * each kept in the member's own cache entry for DISCOVER_CACHE_SECONDS. A
 * member without an Overseerr user is told so (409), never served as the
 * admin the API key stands for.
 */
import type { Cache } from '../../cache/cache';
import { AppError } from '../../errors';
import type { OverseerrClient } from '../../integrations/overseerr';
import type { OverseerrUserLinker } from '../media/overseerr-users';
import type { User } from '../users/user';

export interface ActingMember {
  client: OverseerrClient;
  overseerrUserId: number;
}

export class MemberOverseerr {
  constructor(
    private readonly overseerr: OverseerrClient | undefined,
    private readonly linker: OverseerrUserLinker | undefined,
    private readonly cache: Cache,
    readonly ttlSeconds: number,
  ) {}

  /** The client and the member's Overseerr id: 503 without Overseerr, 409 when no Overseerr user is theirs. */
  async actAs(user: User): Promise<ActingMember> {
    if (!this.overseerr || !this.linker) throw AppError.notConfigured('Overseerr');
    return { client: this.overseerr, overseerrUserId: await this.linker.require(user) };
  }

  /** `load` as the member, through their own cache entry `key`. */
  async read<T>(user: User, key: string, load: (member: ActingMember) => Promise<T>): Promise<T> {
    const member = await this.actAs(user);
    return this.cache.wrap(`discover:${user.id}:${key}`, this.ttlSeconds, () => load(member));
  }
}
