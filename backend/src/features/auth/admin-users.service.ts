/**
 * What administrators do with accounts: list them, create local accounts
 * (without a password: the answer carries a one-time link to set one), change
 * role or enabled, and make password reset links. A role or enabled change
 * publishes `user.updated`, so the account's open sockets are re-evaluated on
 * every process; a disabled account is signed out everywhere. Account
 * administration lives with sign-in (reset links, sessions), above users/,
 * which holds the users themselves.
 */
import type { z } from 'zod';
import type { adminUserCreateBody, adminUserPatchBody } from '@medianest/contracts';
import { AppError } from '../../errors';
import type { EventBus } from '../../realtime/events';
import type { AuthService } from './auth.service';
import type { IssuedReset } from './password-resets';
import type { SessionStore } from './sessions';
import type { User } from '../users/user';
import type { UsersRepository } from '../users/users.repository';

export class AdminUsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionStore,
    private readonly auth: AuthService,
    private readonly events: EventBus,
  ) {}

  list(): Promise<User[]> {
    return this.users.list();
  }

  /** Creates a local account without a password, and the one-time link that sets it. */
  async create(admin: User | undefined, body: z.output<typeof adminUserCreateBody>): Promise<{ user: User; issued: IssuedReset }> {
    if (await this.users.findByUsername(body.username)) {
      throw AppError.conflict('That username is taken', [{ path: 'username', message: 'is taken' }]);
    }
    const user = await this.users.create({ username: body.username, email: body.email ?? null, role: body.role, passwordHash: null });
    return { user, issued: await this.auth.issuePasswordReset(user, admin) };
  }

  async update(admin: User, id: string, body: z.output<typeof adminUserPatchBody>): Promise<User> {
    const target = await this.users.findById(id);
    if (!target) throw AppError.notFound('No such user');
    if (target.id === admin.id && (body.role === 'user' || body.enabled === false)) {
      throw AppError.badRequest('You cannot demote or disable your own account');
    }
    const updated = await this.users.update(id, body);
    if (body.enabled === false) await this.sessions.revokeAllForUser(id);
    // Open realtime connections of the account follow at once, on every process (a demoted admin stops getting admin events).
    this.events.publish('user.updated', { userId: id });
    return updated!;
  }

  /** A one-time link that lets the member set a new password (older links for them stop working). */
  async issueReset(admin: User | undefined, id: string): Promise<IssuedReset> {
    const target = await this.users.findById(id);
    if (!target) throw AppError.notFound('No such user');
    return this.auth.issuePasswordReset(target, admin);
  }
}
