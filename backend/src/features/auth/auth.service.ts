/** Local sign-in, first-run admin, passwords, and session issuing shared by every login method. */
import type { Language } from '@medianest/contracts';
import type { Request, Response } from 'express';
import { AppError, errorMessage } from '../../errors';
import { secureCookies } from '../../http/public-url';
import type { DelayRule, RateLimiter } from '../../http/rate-limit';
import { analytics, type LoginMethod } from '../../observability/metrics/analytics';
import type { AuthFailureReason } from '../../observability/metrics/catalog';
import { logger } from '../../observability/logging/logger';
import type { UsersRepository } from '../users/users.repository';
import type { User } from '../users/user';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_MS, type KnownDevices } from './known-devices';
import { readCookie } from './middleware';
import type { IssuedReset, PasswordResets } from './password-resets';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { SESSION_COOKIE, type SessionStore } from './sessions';
import { LOGIN_ACCOUNT_RULE, LOGIN_CLIENT_RULE, LOGIN_IP_RULE, SignInLimits } from './sign-in-limits';

export interface LoginClient {
  ip: string;
  /** The medianest_device cookie, when the browser sent one. */
  deviceCookie?: string;
}

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export class AuthService {
  private readonly limits: SignInLimits;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionStore,
    private readonly limiter: RateLimiter,
    private readonly sessionTtlMs: number,
    private readonly devices: KnownDevices,
    private readonly resets: PasswordResets,
  ) {
    this.limits = new SignInLimits(limiter);
  }

  /**
   * The check behind ensureAdmin's warning, still running or done. It runs in the background: a
   * restart does not wait for a password hash (~100 ms of scrypt) just to decide whether to warn.
   */
  adminPasswordCheck: Promise<void> = Promise.resolve();

  /**
   * Creates the first admin when there is none. Returns the generated password
   * (to be printed once by the caller) when none was configured. When an admin
   * exists, ADMIN_PASSWORD is not applied; a warning says so if it no longer matches.
   */
  async ensureAdmin(username: string, password: string | undefined): Promise<string | undefined> {
    if ((await this.users.countAdmins()) > 0) {
      if (password !== undefined) {
        this.adminPasswordCheck = this.warnIfAdminPasswordDiffers(username, password).catch((err: unknown) => {
          logger().debug({ event: 'auth.admin.password_check_failed', err: errorMessage(err) }, 'Could not compare ADMIN_PASSWORD');
        });
      }
      return undefined;
    }
    const plain = password ?? generatePassword();
    const existing = await this.users.findByUsername(username);
    if (existing) {
      await this.users.update(existing.id, { role: 'admin', enabled: true, passwordHash: await hashPassword(plain) });
    } else {
      await this.users.create({ username, role: 'admin', passwordHash: await hashPassword(plain) });
    }
    logger().info({ event: 'auth.admin.created', username }, 'Created the first administrator account');
    return password === undefined ? plain : undefined;
  }

  private async warnIfAdminPasswordDiffers(username: string, password: string): Promise<void> {
    const user = await this.users.findByUsername(username);
    if (!user?.passwordHash || (await verifyPassword(password, user.passwordHash))) return;
    logger().warn(
      { event: 'auth.admin.password_mismatch', username },
      `ADMIN_PASSWORD does not match the stored password of "${username}" and is ignored (it only sets the first password). ` +
        `To change it: the Account page when signed in, or stop MediaNest and run \`npm run admin -- reset-password ${username}\` ` +
        `(it sets ADMIN_PASSWORD from the environment, or prints a new one).`,
    );
  }

  private refuse(reason: AuthFailureReason, client: LoginClient, username: string, userId?: string): never {
    analytics.trackAuthFailure(reason, { ip: client.ip, username, userId, login: 'local' });
    if (reason === 'disabled') throw AppError.forbidden('This account is disabled', 'ACCOUNT_DISABLED');
    throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong username or password');
  }

  async loginLocal(username: string, password: string, client: LoginClient): Promise<User> {
    const name = normaliseUsername(username);
    // A browser showing a genuine device cookie is looked up first, to see whether it is known to this
    // account. Anyone else is held and counted before any database work: a burst of guesses costs the
    // database one lookup at a time, not one per guess.
    const claim = this.devices.claim(client.deviceCookie);
    let user = claim ? await this.users.findByUsername(name) : undefined;
    const deviceId = user && claim?.userId === user.id ? claim.deviceId : undefined;
    // A known device is counted on its own; anyone else per username+IP, per IP and per account.
    // The first counter is the client's own: a right password clears it.
    const buckets: Array<[DelayRule, string]> = deviceId
      ? [[LOGIN_CLIENT_RULE, `${name}|device:${deviceId}`]]
      : [
          [LOGIN_CLIENT_RULE, `${name}|${client.ip}`],
          [LOGIN_IP_RULE, client.ip],
          [LOGIN_ACCOUNT_RULE, name],
        ];
    const ok = await this.limits.run(
      {
        buckets,
        // One check in flight per device, or per client and per account.
        holds: deviceId ? [`device:${name}|${deviceId}`] : [`ip:${client.ip}`, `account:${name}`],
        ip: client.ip,
        username: name,
        message: 'Too many failed sign-ins; wait a moment and try again',
      },
      async () => {
        if (!claim) user = await this.users.findByUsername(name);
        return verifyPassword(password, user?.passwordHash, deviceId ? 'priority' : 'anonymous');
      },
    );
    if (!user || !ok) this.refuse(user ? 'wrong_password' : 'unknown_user', client, name, user?.id);
    if (!user.enabled) this.refuse('disabled', client, name, user.id);
    return user;
  }

  /** Issues a session cookie (and a known-device cookie) for a user who has proven who they are. */
  async startSession(user: User, method: LoginMethod, req: Request, res: Response): Promise<void> {
    const { token } = await this.sessions.create(user.id, { ip: req.ip, userAgent: req.get('user-agent'), method });
    await this.users.recordLogin(user.id);
    this.setSessionCookie(req, res, token);
    const deviceId = this.devices.deviceFor(readCookie(req.headers.cookie, DEVICE_COOKIE), user.id);
    res.cookie(DEVICE_COOKIE, this.devices.issue(user.id, deviceId), {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies(req),
      path: '/api/v1/auth',
      maxAge: DEVICE_COOKIE_MAX_AGE_MS,
    });
    analytics.trackLogin(method, 'success', user.id);
  }

  private setSessionCookie(req: Request, res: Response, token: string): void {
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      // Secure over HTTPS (directly, via a trusted proxy, or an https PUBLIC_URL), not because of NODE_ENV:
      // many households open MediaNest on plain http://192.168.x.x:4000, and an always-Secure cookie
      // would silently break their sign-in.
      secure: secureCookies(req),
      path: '/',
      maxAge: this.sessionTtlMs,
    });
  }

  async logout(req: Request, res: Response): Promise<void> {
    if (req.sessionToken) await this.sessions.revoke(req.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(req) });
  }

  /**
   * Changes the signed-in user's password. The current password is required (wrong answers are
   * limited like sign-ins); every session of the user is revoked and the caller gets a fresh one,
   * so this browser stays signed in and every other one is signed out.
   */
  async changePassword(user: User, current: string, next: string, req: Request, res: Response): Promise<void> {
    if (!user.passwordHash) {
      throw AppError.badRequest('This account signs in with Plex and has no MediaNest password to change');
    }
    const ip = req.ip ?? 'unknown';
    const username = normaliseUsername(user.username);
    const ok = await this.limits.run(
      {
        buckets: [[LOGIN_CLIENT_RULE, `${user.id}|session`]],
        holds: [`member:${user.id}`],
        ip,
        username,
        userId: user.id,
        message: 'Too many wrong passwords; wait a moment and try again',
      },
      () => verifyPassword(current, user.passwordHash),
    );
    if (!ok) {
      analytics.trackAuthFailure('wrong_current_password', { ip, username, userId: user.id });
      throw new AppError(400, 'VALIDATION_FAILED', 'The current password is not right', {
        details: [{ path: 'currentPassword', message: 'does not match' }],
      });
    }
    await this.setPassword(user.id, next);
    const { token } = await this.sessions.create(user.id, { ip: req.ip, userAgent: req.get('user-agent') });
    this.setSessionCookie(req, res, token);
    logger().info({ event: 'auth.password.changed', user_id: user.id }, 'Password changed; other sessions signed out');
  }

  /** The member's own settings from the Account page: the language (null: the browser's again). */
  async updateAccount(user: User, changes: { language: Language | null }): Promise<User> {
    const updated = await this.users.update(user.id, { language: changes.language });
    if (!updated) throw AppError.unauthenticated();
    return updated;
  }

  /** Sets a password, voids unused reset links and signs the account out everywhere. */
  async setPassword(userId: string, password: string): Promise<void> {
    await this.users.update(userId, { passwordHash: await hashPassword(password) });
    await this.resets.voidAll(userId);
    await this.sessions.revokeAllForUser(userId);
  }

  /** A one-time reset link for a local account (voiding older ones). */
  async issuePasswordReset(target: User, admin: User | undefined): Promise<IssuedReset> {
    if (target.plexId && !target.passwordHash) {
      throw AppError.badRequest('This account signs in with Plex; it has no MediaNest password to reset');
    }
    const issued = await this.resets.issue(target.id, admin?.id);
    logger().info(
      { event: 'auth.password_reset.issued', user_id: target.id, by_user_id: admin?.id, expires_at: issued.expiresAt.toISOString() },
      'Password reset link issued',
    );
    return issued;
  }

  /** Who a reset link is for, while it is usable. */
  async inspectPasswordReset(token: string, ip: string): Promise<{ user: User; expiresAt: Date }> {
    const found = await this.resets.inspect(token);
    const user = found && (await this.users.findById(found.userId));
    if (!found || !user) this.invalidReset(ip);
    return { user, expiresAt: found.expiresAt };
  }

  /** Uses a reset link: sets the new password (signing the account out everywhere). */
  async completePasswordReset(token: string, password: string, ip: string): Promise<User> {
    const userId = await this.resets.consume(token);
    const user = userId && (await this.users.findById(userId));
    if (!user) this.invalidReset(ip);
    await this.setPassword(user.id, password);
    await this.limiter.reset(LOGIN_CLIENT_RULE, `${normaliseUsername(user.username)}|${ip}`);
    logger().info({ event: 'auth.password_reset.used', user_id: user.id, client_ip: ip }, 'Password set through a reset link');
    return user;
  }

  private invalidReset(ip: string): never {
    analytics.trackAuthFailure('invalid_reset_token', { ip });
    throw new AppError(
      410,
      'GONE',
      'This reset link is not valid any more (expired, used, or replaced by a newer one). Ask an administrator for a new one.',
    );
  }
}
