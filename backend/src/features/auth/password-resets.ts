/**
 * One-time password reset links made by an administrator. The link carries a
 * random token; the table holds only its SHA-256, when it expires and when it
 * was used. A new link for a user voids that user's older unused ones, and
 * so does any change of the password (the account page, a used link, the CLI):
 * a link sent before the change must not undo it.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/client';
import { PasswordResetsRepository } from './password-resets.repository';
import { hashToken } from './sessions';

export interface IssuedReset {
  token: string;
  expiresAt: Date;
}

export class PasswordResets {
  private readonly repo: PasswordResetsRepository;

  constructor(
    database: Database,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repo = new PasswordResetsRepository(database);
  }

  async issue(userId: string, createdBy: string | undefined): Promise<IssuedReset> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await this.voidAll(userId);
    await this.repo.insert({ id: hashToken(token), userId, createdBy: createdBy ?? null, createdAt: now, expiresAt });
    return { token, expiresAt };
  }

  /** Voids every unused link of a user (marked used, so it answers like a used one). */
  async voidAll(userId: string): Promise<void> {
    await this.repo.useAllOf(userId, this.now());
  }

  /** The user and expiry of a usable (unexpired, unused) token, or undefined. */
  async inspect(token: string): Promise<{ userId: string; expiresAt: Date } | undefined> {
    if (!token || token.length > 200) return undefined;
    return this.repo.findUsable(hashToken(token), this.now());
  }

  /** Marks a usable token used and returns its user; undefined when it was unknown, expired or already used. */
  async consume(token: string): Promise<string | undefined> {
    if (!token || token.length > 200) return undefined;
    return this.repo.use(hashToken(token), this.now());
  }
}
