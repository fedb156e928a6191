/** A user as the API shows them: no password hash, no SSO or Overseerr links. */
import { languages, type Language, type PublicUser } from '@medianest/contracts';
import type { User } from './user';

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
    language: languageOf(u),
  };
}

/** The member's stored language, when it is one MediaNest speaks (null: the browser's, English in notifications). */
function languageOf(u: Pick<User, 'language'>): Language | null {
  return languages.find((l) => l === u.language) ?? null;
}
