/** A user as the API shows them: no password hash, no SSO or Overseerr links. */
import type { PublicUser } from '@medianest/contracts';
import type { User } from './users.repository';

export function toPublicUser(u: User): PublicUser {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    role: u.role,
    enabled: u.enabled,
    plexUsername: u.plexUsername,
    thumb: u.thumb,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
  };
}
