/**
 * Plex PIN sign-in (plex.tv API v2, `/api/v2/pins`): MediaNest asks plex.tv
 * for a PIN, the browser opens app.plex.tv to approve it, and MediaNest polls
 * the PIN until it carries the user's token. The token is used for two
 * plex.tv calls (who is this, which servers can they reach) and dropped: it
 * is never stored, logged or sent to the browser.
 *
 * A PIN belongs to the browser that created it: its id is bound to a random
 * nonce kept in an httpOnly cookie, so nobody who merely guesses a PIN id can
 * claim someone else's approved sign-in.
 *
 * Who may sign in: an account that can reach the configured Plex server (its
 * resources list has an entry with `provides` containing "server" and the
 * server's machineIdentifier), or one an administrator enabled (an existing,
 * enabled user row with that Plex id). A disabled row always refuses.
 * Consequence: once a Plex user has signed in, their row exists and stays
 * enabled; to shut them out after unsharing the server, disable the account.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Cache } from '../../cache/cache';
import { AppError, errorMessage } from '../../errors';
import type { PlexClient } from '../../integrations/plex';
import type { PlexAccount, PlexTvClient } from '../../integrations/plex-tv';
import { analytics } from '../../observability/metrics/analytics';
import { logger } from '../../observability/logging/logger';
import { secretsEqual } from '../../secret-compare';
import type { OverseerrUserLinker } from '../media/overseerr-users';
import type { PlexTokens } from '../watchlist/plex-tokens';
import type { UsersRepository } from '../users/users.repository';
import type { User } from '../users/user';

interface StoredPin {
  code: string;
  nonceHash: string;
  expiresAt: string;
}

export interface StartedPin {
  id: number;
  code: string;
  authUrl: string;
  expiresAt: string;
  /** Goes into the httpOnly PIN cookie; never into a response body. */
  nonce: string;
}

export type VerifyResult = { status: 'pending'; expiresAt: string } | { status: 'authorized'; user: User };

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function sameHash(a: string, b: string): boolean {
  return secretsEqual(hash(a), b);
}

const gone = () => new AppError(410, 'GONE', 'This Plex sign-in has expired or is unknown; start again');

export class PlexLoginService {
  constructor(
    private readonly plexTv: PlexTvClient,
    private readonly plex: PlexClient | undefined,
    private readonly users: UsersRepository,
    private readonly cache: Cache,
    private readonly linker: OverseerrUserLinker | undefined,
    /** Where the member's Plex token is kept for their watchlist (sealed). */
    private readonly tokens?: PlexTokens,
  ) {}

  async start(): Promise<StartedPin> {
    const pin = await this.plexTv.createPin();
    const nonce = randomBytes(24).toString('base64url');
    const ttlSeconds = Math.max(1, Math.ceil((pin.expiresAt.getTime() - Date.now()) / 1000));
    const stored: StoredPin = { code: pin.code, nonceHash: hash(nonce), expiresAt: pin.expiresAt.toISOString() };
    await this.cache.set(this.key(pin.id), stored, ttlSeconds);
    return { id: pin.id, code: pin.code, authUrl: this.plexTv.authUrl(pin.code), expiresAt: stored.expiresAt, nonce };
  }

  /** Pending while the user has not approved yet; the signed-in user once they have. */
  async verify(id: number, nonce: string | undefined): Promise<VerifyResult> {
    const stored = await this.cache.get<StoredPin>(this.key(id));
    if (!stored) throw gone();
    if (!nonce || !sameHash(nonce, stored.nonceHash)) {
      throw AppError.forbidden('This Plex sign-in was started in another browser; start again here', 'PLEX_OTHER_BROWSER');
    }
    if (Date.parse(stored.expiresAt) <= Date.now()) {
      await this.cache.delete(this.key(id));
      throw gone();
    }
    const pin = await this.plexTv.getPin(id);
    if (!pin) {
      await this.cache.delete(this.key(id));
      throw gone();
    }
    if (!pin.authToken) return { status: 'pending', expiresAt: stored.expiresAt };

    // One use: a second verify with the same PIN starts over.
    await this.cache.delete(this.key(id));
    const account = await this.plexTv.account(pin.authToken);
    const user = await this.admit(account, pin.authToken);
    await this.tokens?.save(user.id, String(account.id), pin.authToken);
    return { status: 'authorized', user };
  }

  /** Finds or creates the user row for an account that may sign in; 403 otherwise. */
  private async admit(account: PlexAccount, token: string): Promise<User> {
    const plexId = String(account.id);
    const existing = await this.users.findByPlexId(plexId);
    if (existing && !existing.enabled) {
      analytics.trackLogin('plex', 'failure', existing.id);
      throw AppError.forbidden('This account is disabled; ask the server owner to enable it', 'ACCOUNT_DISABLED');
    }
    // An existing enabled row is an account the administrator let in (or that had access before).
    const allowed = existing !== undefined || (await this.canReachServer(token));
    if (!allowed) {
      analytics.trackLogin('plex', 'failure');
      logger().info({ event: 'plex.login.refused', plexId }, 'Plex account without access to this server tried to sign in');
      throw AppError.forbidden(
        `The Plex account ${account.username} has no access to this Plex server. ` +
          'Ask the owner to share the server with you, or to enable your account in MediaNest.',
        'PLEX_NO_ACCESS',
      );
    }
    const user = existing
      ? ((await this.users.update(existing.id, {
          plexUsername: account.username,
          email: account.email ?? existing.email,
          thumb: account.thumb,
        })) ?? existing)
      : await this.users.create({
          username: await this.freeUsername(account.username, plexId),
          email: account.email,
          plexId,
          plexUsername: account.username,
          thumb: account.thumb,
          role: 'user',
        });
    if (!existing) logger().info({ event: 'plex.user.created', user_id: user.id }, 'Created a user for a new Plex account');
    await this.linkOverseerr(user);
    return (await this.users.findById(user.id)) ?? user;
  }

  private async canReachServer(token: string): Promise<boolean> {
    if (!this.plex) {
      // Without PLEX_URL there is no server to check against: only accounts an administrator enabled may sign in.
      return false;
    }
    const [machineIdentifier, resources] = await Promise.all([this.plex.machineIdentifier(), this.plexTv.resources(token)]);
    return resources.some(
      (r) =>
        r.clientIdentifier === machineIdentifier &&
        r.provides
          .split(',')
          .map((p) => p.trim())
          .includes('server'),
    );
  }

  /** Best effort: a sign-in must not fail because Overseerr is down; requests link again later. */
  private async linkOverseerr(user: User): Promise<void> {
    if (!this.linker || user.overseerrUserId !== null) return;
    try {
      await this.linker.link(user);
    } catch (err) {
      logger().warn(
        { event: 'overseerr.user.link_failed', user_id: user.id, err: errorMessage(err) },
        'Could not match the Overseerr user at sign-in; will retry on the first request',
      );
    }
  }

  private async freeUsername(wanted: string, plexId: string): Promise<string> {
    const base = wanted.trim().slice(0, 48) || `plex-${plexId}`;
    for (const candidate of [base, `${base}-${plexId.slice(-4)}`, `${base}-${plexId}`]) {
      if (!(await this.users.findByUsername(candidate))) return candidate;
    }
    return `plex-${plexId}-${randomBytes(3).toString('hex')}`;
  }

  private key(id: number): string {
    return `plex-pin:${id}`;
  }
}
