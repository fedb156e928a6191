/**
 * Who may come in through the household's single sign-on (OpenID Connect or a trusted forward-auth
 * proxy), and as which member. One rule set for both ways in:
 *
 * - Groups: with SSO_ALLOWED_GROUPS set, only people in one of them; someone removed from the groups is
 *   refused at their next sign-in and every session of their member ends.
 * - Matching: an identity linked before (issuer + subject) → its member; otherwise a member with the same
 *   e-mail, only when the provider says the address is verified (and exactly one member has it); a
 *   forward-auth username also matches the member of that username (the proxy is trusted to have checked
 *   it). Otherwise a new member when SSO_CREATE_MEMBERS is on, or a refusal that says whom to ask.
 * - Roles: with SSO_ADMIN_GROUPS set, membership of one of them makes an administrator and its absence a
 *   member, at every sign-in; unset, SSO never changes a role.
 * - The Overseerr user is matched as for every member (Plex id or e-mail), best effort.
 */
import { randomBytes } from 'node:crypto';
import { AppError, errorMessage } from '../../errors';
import { analytics, type LoginMethod } from '../../observability/metrics/analytics';
import type { AuthFailureReason } from '../../observability/metrics/catalog';
import { logger } from '../../observability/logging/logger';
import type { OverseerrUserLinker } from '../media/overseerr-users';
import type { UsersRepository } from '../users/users.repository';
import type { User } from '../users/user';
import type { IdentitiesRepository } from './identities.repository';
import { normaliseUsername } from './auth.service';
import type { SessionStore } from './sessions';
import type { EventBus } from '../../realtime/events';

/** What the provider (or the proxy) says about the person signing in. */
export interface SsoPerson {
  method: Extract<LoginMethod, 'oidc' | 'forward_auth'>;
  issuer: string;
  subject: string;
  /** A username to suggest for a new member (preferred_username, or the proxy's header). */
  username: string | undefined;
  email: string | undefined;
  emailVerified: boolean;
  groups: string[];
  ip: string;
}

export interface SsoRules {
  allowedGroups: string[];
  adminGroups: string[];
  createMembers: boolean;
}

/** Groups given as one string: comma-separated (Authelia, oauth2-proxy) or pipe-separated (Authentik's outpost). */
export function splitGroups(value: string): string[] {
  return value
    .split(/[,|]/)
    .map((g) => g.trim())
    .filter(Boolean);
}

const intersects = (a: string[], b: string[]) => a.some((item) => b.includes(item));

/** How long the member behind an identity is remembered in process (forward-auth asks on every request). */
const MEMBER_CACHE_MS = 60_000;

export class SsoAdmission {
  private readonly members = new Map<string, { userId: string; until: number }>();

  constructor(
    private readonly users: UsersRepository,
    private readonly identities: IdentitiesRepository,
    private readonly sessions: SessionStore,
    private readonly events: EventBus,
    private readonly linker: OverseerrUserLinker | undefined,
    private readonly rules: SsoRules,
  ) {}

  /** The member an identity is linked to, if any (cached for a minute; a new link is seen at once in this process). */
  async memberFor(issuer: string, subject: string): Promise<string | undefined> {
    const key = `${issuer}\n${subject}`;
    const cached = this.members.get(key);
    if (cached && cached.until > Date.now()) return cached.userId;
    const identity = await this.identities.find(issuer, subject);
    if (identity) this.remember(key, identity.userId);
    return identity?.userId;
  }

  private remember(key: string, userId: string): void {
    if (this.members.size >= 10_000) this.members.clear();
    this.members.set(key, { userId, until: Date.now() + MEMBER_CACHE_MS });
  }

  async admit(person: SsoPerson): Promise<User> {
    const linked = await this.identities.find(person.issuer, person.subject);
    if (this.rules.allowedGroups.length > 0 && !intersects(person.groups, this.rules.allowedGroups)) {
      this.members.delete(`${person.issuer}\n${person.subject}`);
      if (linked) await this.sessions.revokeAllForUser(linked.userId);
      this.refuse(
        'sso_not_allowed',
        person,
        linked?.userId,
        'Your account is not in a group allowed to use MediaNest; ask the server owner',
      );
    }
    let user = linked ? await this.users.findById(linked.userId) : await this.match(person);
    if (!user) {
      if (!this.rules.createMembers) {
        this.refuse(
          'sso_no_account',
          person,
          undefined,
          'No MediaNest account matches this sign-in. Ask the server owner to add you (or to link your account).',
        );
      }
      user = await this.users.create({
        username: await this.freeUsername(person.username ?? person.email?.split('@')[0] ?? 'member'),
        email: person.emailVerified ? (person.email ?? null) : null,
        role: 'user',
      });
      logger().info({ event: 'sso.user.created', user_id: user.id, login: person.method }, 'Created a member for a new SSO sign-in');
    }
    if (!user.enabled) this.refuse('disabled', person, user.id, 'This account is disabled; ask the server owner to enable it');

    const identity = linked ?? (await this.identities.link(user.id, person.issuer, person.subject, person.email ?? null));
    if (identity) await this.identities.recordLogin(identity.id, person.email ?? null);
    this.remember(`${person.issuer}\n${person.subject}`, user.id);

    const changes: Partial<Pick<User, 'role' | 'email'>> = {};
    if (this.rules.adminGroups.length > 0) {
      const role = intersects(person.groups, this.rules.adminGroups) ? 'admin' : 'user';
      if (role !== user.role) {
        changes.role = role;
        logger().info(
          { event: 'sso.role.changed', user_id: user.id, role },
          `SSO groups made this member ${role === 'admin' ? 'an administrator' : 'a member'}`,
        );
      }
    }
    if (!user.email && person.email && person.emailVerified) changes.email = person.email;
    if (Object.keys(changes).length > 0) {
      user = (await this.users.update(user.id, changes)) ?? user;
      // Open realtime connections follow a role change at once, on every process.
      if (changes.role) this.events.publish('user.updated', { userId: user.id });
    }
    await this.linkOverseerr(user);
    return user;
  }

  /** A member for an identity seen for the first time: same verified e-mail, or (forward-auth) same username. */
  private async match(person: SsoPerson): Promise<User | undefined> {
    if (person.method === 'forward_auth' && person.username) {
      const byName = await this.users.findByUsername(normaliseUsername(person.username));
      if (byName) return byName;
    }
    if (!person.email || !person.emailVerified) return undefined;
    const byEmail = await this.users.findAllByEmail(person.email);
    if (byEmail.length !== 1) return undefined;
    logger().info(
      { event: 'sso.identity.linked', user_id: byEmail[0]!.id, by: 'verified_email' },
      'Linked an SSO identity by verified e-mail',
    );
    return byEmail[0];
  }

  /** An admin links a member to an identity by hand; undefined when that identity belongs to someone already. */
  async link(userId: string, issuer: string, subject: string) {
    const identity = await this.identities.link(userId, issuer, subject, null);
    if (identity) this.members.delete(`${issuer}\n${subject}`);
    return identity;
  }

  /** An admin unlinks an identity; the member's sessions started through it end too. */
  async unlink(userId: string, identityId: string): Promise<boolean> {
    const removed = await this.identities.unlink(userId, identityId);
    if (removed) {
      this.members.clear();
      await this.sessions.revokeAllForUser(userId);
    }
    return removed;
  }

  private refuse(reason: AuthFailureReason, person: SsoPerson, userId: string | undefined, message: string): never {
    analytics.trackAuthFailure(reason, { ip: person.ip, username: person.username, userId, login: person.method });
    throw new AppError(403, 'FORBIDDEN', message, { details: { reason } });
  }

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

  private async freeUsername(wanted: string): Promise<string> {
    const base = wanted.trim().slice(0, 48) || 'member';
    for (const candidate of [base, `${base}-${randomBytes(2).toString('hex')}`]) {
      if (!(await this.users.findByUsername(candidate))) return candidate;
    }
    return `${base}-${randomBytes(4).toString('hex')}`;
  }
}
