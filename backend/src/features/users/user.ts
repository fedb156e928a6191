/**
 * A member of the household as MediaNest stores them (a row of `users`): the
 * domain type the features pass around. API answers show it through
 * `toPublicUser`, never as is (it holds the password hash and the Plex token).
 */
import type { users } from '../../db/schema';

export type User = typeof users.$inferSelect;

declare module '../../http/authed' {
  // The user a request is signed in as is a whole User: route handlers hand it to services as one.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges User's fields into http/'s SignedInUser
  interface SignedInUser extends User {}
}
