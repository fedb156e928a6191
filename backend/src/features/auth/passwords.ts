/** scrypt password hashes: `scrypt$N$r$p$salt$hash` (base64url), compared in constant time. */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../../errors';
import { passwordChecksTotal } from '../../observability/metrics/catalog';
import { PasswordSlots } from './password-slots';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

/**
 * Every hash of the process goes through these slots: two at a time (half of libuv's threads, so file
 * and DNS work is never starved), and at most eight anonymous sign-ins waiting for one.
 */
export const PASSWORD_HASH_SLOTS = 2;
export const ANONYMOUS_HASH_QUEUE = 8;
export const passwordSlots = new PasswordSlots(PASSWORD_HASH_SLOTS, ANONYMOUS_HASH_QUEUE);

/** Who asks for a hash: `anonymous` (a sign-in from a browser the account does not know) may be refused when the server is busy. */
export type HashCaller = 'priority' | 'anonymous';

async function scrypt(password: string, salt: Buffer, options: ScryptOptions, caller: HashCaller = 'priority'): Promise<Buffer> {
  const done = await passwordSlots.run(
    () =>
      new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, KEYLEN, options, (err, key) => (err ? reject(err) : resolve(key)))),
    caller,
  );
  if (!done) throw AppError.rateLimited(1, 'The server is busy checking sign-ins; try again in a moment');
  return done.value;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEYLEN).toString('base64url')}`;

/**
 * Verifies a password. With no stored hash it still does the work, so timing does not reveal unknown users.
 * An `anonymous` caller gets a 429 AppError instead when the hashing slots and their queue are full.
 */
export async function verifyPassword(
  password: string,
  stored: string | null | undefined,
  caller: HashCaller = 'priority',
): Promise<boolean> {
  const parts = (stored ?? DUMMY_HASH).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64url');
  const key = await scrypt(password, Buffer.from(saltB64, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }, caller);
  passwordChecksTotal.inc();
  return stored !== null && stored !== undefined && expected.length === key.length && timingSafeEqual(expected, key);
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

// The password rules are the contract's: the web app shows the same limits the server enforces.
export { newPasswordSchema } from '@medianest/contracts';
