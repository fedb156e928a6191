/**
 * Sign-in limits. Failures are counted per client IP (any username), per username and client, and per
 * account; past the free failures each further one doubles the wait before the next attempt. The
 * per-account count only slows down clients that never signed in to that account: a browser holding
 * the account's known-device cookie is limited on its own (per device), so an attacker hammering the
 * account cannot lock its owner out.
 *
 * The limits hold however many attempts arrive at once:
 * - each attempt is reserved (counted as a failure) before its password is checked, atomically, so the
 *   n-th of n simultaneous attempts sees the n − 1 before it; a right password gives its attempt back;
 * - one check is in flight per client and per account (per device for a known device): a second one
 *   arriving meanwhile is answered 429 at once, without being counted;
 * - the hashing itself runs in a few process-wide slots (passwords.ts): an anonymous attempt that finds
 *   them and their queue full is answered 429, a known device is served ahead of it.
 */
import { AppError } from '../../errors';
import type { DelayRule, RateLimiter, Reservation } from '../../http/rate-limit';
import { analytics } from '../../observability/metrics/analytics';

export const LOGIN_IP_RULE: DelayRule = {
  name: 'login-ip',
  freeFailures: 30,
  baseDelaySeconds: 60,
  maxDelaySeconds: 15 * 60,
  windowSeconds: 15 * 60,
};
export const LOGIN_CLIENT_RULE: DelayRule = {
  name: 'login-client',
  freeFailures: 5,
  baseDelaySeconds: 30,
  maxDelaySeconds: 15 * 60,
  windowSeconds: 60 * 60,
};
export const LOGIN_ACCOUNT_RULE: DelayRule = {
  name: 'login-account',
  freeFailures: 10,
  baseDelaySeconds: 30,
  maxDelaySeconds: 15 * 60,
  windowSeconds: 60 * 60,
};

/** Namespace of the one-check-in-flight holds. */
const IN_FLIGHT = 'password-check';
/** A hold outlives a crashed process by at most this long. */
const IN_FLIGHT_TTL_MS = 30_000;

const MESSAGES = {
  in_flight: 'Another sign-in from here or to this account is being checked; try again in a moment',
  busy: 'The server is busy checking sign-ins; try again in a moment',
};

export interface GuardedCheck {
  /** The counters this attempt is reserved under; the first one is reset (not refunded) when it succeeds. */
  buckets: Array<[DelayRule, string]>;
  /** What may have only one check in flight (client, account, device, member). */
  holds: string[];
  /** For the failure log and metric. */
  ip: string;
  username?: string;
  userId?: string;
  message: string;
}

export class SignInLimits {
  constructor(private readonly limiter: RateLimiter) {}

  private throttled(check: GuardedCheck, retryAfterSeconds: number, why: 'counted' | 'in_flight' | 'busy'): never {
    const reason = why === 'busy' ? 'busy' : 'throttled';
    analytics.trackAuthFailure(reason, { ip: check.ip, username: check.username, userId: check.userId, retryAfterSeconds });
    throw AppError.rateLimited(retryAfterSeconds, why === 'counted' ? check.message : MESSAGES[why]);
  }

  /**
   * Runs `verify` (a password check) under the limits: refused with 429 when another check of the same
   * client or account is in flight, when a counter makes it wait, or when the hashing slots are full.
   * Resolves to what `verify` said; a wrong answer stays counted, a right one is given back.
   */
  async run(check: GuardedCheck, verify: () => Promise<boolean>): Promise<boolean> {
    const releases: Array<() => Promise<void>> = [];
    try {
      for (const key of check.holds) {
        const release = await this.limiter.hold(IN_FLIGHT, key, IN_FLIGHT_TTL_MS);
        if (!release) this.throttled(check, 1, 'in_flight');
        releases.push(release);
      }
      const reservations = await Promise.all(check.buckets.map(([rule, key]) => this.limiter.reserve(rule, key)));
      const waitMs = Math.max(...reservations.map((r) => r.waitMs));
      if (waitMs > 0) {
        await this.giveBack(check.buckets, reservations);
        this.throttled(check, Math.ceil(waitMs / 1000), 'counted');
      }
      let ok: boolean;
      try {
        ok = await verify();
      } catch (err) {
        // Not checked after all (the hashing slots were full): nothing to count.
        await this.giveBack(check.buckets, reservations);
        if (err instanceof AppError && err.status === 429) this.throttled(check, 1, 'busy');
        throw err;
      }
      if (ok) {
        const [[firstRule, firstKey]] = check.buckets as [[DelayRule, string]];
        await this.limiter.reset(firstRule, firstKey);
        await this.giveBack(check.buckets.slice(1), reservations.slice(1));
      }
      return ok;
    } finally {
      await Promise.all(releases.map((release) => release()));
    }
  }

  private async giveBack(buckets: Array<[DelayRule, string]>, reservations: Reservation[]): Promise<void> {
    // A refused reservation counted nothing: only the ones that were counted are given back.
    const refunds = buckets.flatMap(([rule, key], i) => {
      const reservation = reservations[i]!;
      return reservation.waitMs === 0 ? [this.limiter.refund(rule, key, reservation)] : [];
    });
    await Promise.all(refunds);
  }
}
