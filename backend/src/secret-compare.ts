/**
 * The one way MediaNest compares a secret someone sent with the one it
 * expects (bearer tokens, webhook secrets, stored token hashes). Both sides
 * are hashed to fixed-length SHA-256 digests first and the digests compared
 * with timingSafeEqual, so neither the content nor the length of the expected
 * secret shows in the time a wrong guess takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True when `given` equals `expected`, in time independent of where or whether their lengths differ. */
export function secretsEqual(given: string | undefined, expected: string): boolean {
  // An absent value is hashed too, so "no header" takes as long as a wrong one.
  const equal = timingSafeEqual(digest(given ?? ''), digest(expected));
  return equal && given !== undefined;
}

/** True when `header` is `Bearer <token>` for the expected token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  return secretsEqual(header, `Bearer ${token}`);
}
