/** Local sign-in, first-run admin, and session issuing shared by every login method. */
import type { Request, Response } from 'express';
import { AppError } from '../../errors';
import type { RateLimiter, RateLimitRule } from '../../http/rate-limit';
import { analytics } from '../../observability/metrics/analytics';
import { logger } from '../../observability/logging/logger';
import type { User, UsersRepository } from '../users/users.repository';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { SESSION_COOKIE, type SessionStore } from './sessions';

export const LOGIN_IP_RULE: RateLimitRule = { name: 'login-ip', limit: 30, windowSeconds: 15 * 60 };
export const LOGIN_USER_RULE: RateLimitRule = { name: 'login-user', limit: 10, windowSeconds: 15 * 60 };

export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionStore,
    private readonly limiter: RateLimiter,
    private readonly sessionTtlMs: number,
  ) {}

  /**
   * Creates the first admin when there is none. Returns the generated password
   * (to be printed once by the caller) when none was configured.
   */
  async ensureAdmin(username: string, password: string | undefined): Promise<string | undefined> {
    if ((await this.users.countAdmins()) > 0) return undefined;
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

  async loginLocal(username: string, password: string, ip: string): Promise<User> {
    await this.limiter.consume(LOGIN_IP_RULE, ip);
    await this.limiter.consume(LOGIN_USER_RULE, username.toLowerCase());
    const user = await this.users.findByUsername(username);
    const ok = await verifyPassword(password, user?.passwordHash);
    if (!user || !ok) {
      analytics.trackLogin('local', 'failure');
      throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong username or password');
    }
    if (!user.enabled) {
      analytics.trackLogin('local', 'failure');
      throw AppError.forbidden('This account is disabled');
    }
    await this.limiter.reset(LOGIN_USER_RULE, username.toLowerCase());
    return user;
  }

  /** Issues a session cookie for a user who has proven who they are. */
  async startSession(user: User, method: 'local' | 'plex', req: Request, res: Response): Promise<void> {
    const { token } = await this.sessions.create(user.id, { ip: req.ip, userAgent: req.get('user-agent') });
    await this.users.recordLogin(user.id);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      // Secure whenever the request came over HTTPS (directly or via a trusted proxy), not because of NODE_ENV:
      // many households open MediaNest on plain http://192.168.x.x:4000, and an always-Secure cookie
      // would silently break their sign-in.
      secure: req.secure,
      path: '/',
      maxAge: this.sessionTtlMs,
    });
    analytics.trackLogin(method, 'success', user.id);
  }

  async logout(req: Request, res: Response): Promise<void> {
    if (req.sessionToken) await this.sessions.revoke(req.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
  }
}
