/**
 * E-mail addresses a member gives for notifications are confirmed by a link before anything is
 * sent there: otherwise any member could have the household's mail server write to any address.
 * The account's own e-mail address (set by the admin or by Plex) needs no confirmation.
 *
 * The link carries a random 256-bit token; only its SHA-256 is stored, with an expiry
 * (CONFIRM_TTL_MS). Opening it while signed in as that member confirms the address once: the token
 * is cleared, and a later change of the address voids an outstanding link.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../errors';
import { logger } from '../../observability/logging/logger';
import type { AddressConfirmationsRepository } from './address-confirmations.repository';

/** How long a confirmation link works. */
export const CONFIRM_TTL_MS = 24 * 60 * 60 * 1000;

/** The path of the link (GET, signed in): confirms and returns to the Notifications page. */
export const CONFIRM_PATH = '/api/v1/notifications/addresses/confirm';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

const sameAddress = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

export interface ConfirmationMail {
  to: string;
  link: string;
}

export class AddressConfirmations {
  constructor(
    private readonly repo: AddressConfirmationsRepository,
    private readonly publicUrl: string | undefined,
  ) {}

  /** True when mail may go to `address` for this member: their account's address, or one they confirmed. */
  async deliverable(userId: string, channelId: number, address: string, accountEmail: string | null): Promise<boolean> {
    if (sameAddress(address, accountEmail)) return true;
    const row = await this.repo.addressState(userId, channelId);
    return !!row && row.confirmedAt !== null && row.address === address;
  }

  /** Whether the member's own address on this channel waits for its link to be opened. */
  pending(row: { address: string | null; addressConfirmedAt: Date | null }, accountEmail: string | null): boolean {
    return row.address !== null && row.addressConfirmedAt === null && !sameAddress(row.address, accountEmail);
  }

  /**
   * The member saved `address` (already stored, previous address `before`): a new address that is
   * not the account's own needs a link; returns the mail to send, or undefined when none is needed.
   */
  async changed(
    userId: string,
    channelId: number,
    address: string | null,
    before: { address: string | null; addressConfirmedAt: Date | null; confirmExpiresAt: Date | null } | undefined,
    accountEmail: string | null,
  ): Promise<ConfirmationMail | undefined> {
    if (address !== null && before?.address === address) {
      // Saved again unchanged: confirmed already, or its link is still valid.
      if (before.addressConfirmedAt || (before.confirmExpiresAt && before.confirmExpiresAt > new Date())) return undefined;
    }
    if (address === null || sameAddress(address, accountEmail)) {
      await this.repo.setPending(userId, channelId, null, null);
      return undefined;
    }
    const token = randomBytes(32).toString('base64url');
    await this.repo.setPending(userId, channelId, hash(token), new Date(Date.now() + CONFIRM_TTL_MS));
    return { to: address, link: `${this.publicUrl ?? ''}${CONFIRM_PATH}?token=${token}` };
  }

  /** Confirms the address whose link carried `token`, for this member only; once. */
  async confirm(userId: string, token: string): Promise<void> {
    const channels = await this.repo.confirm(userId, hash(token), new Date());
    if (channels.length === 0)
      throw new AppError(400, 'BAD_REQUEST', 'This confirmation link is not valid: it was used, expired, or is for another account');
    logger().info({ event: 'notifications.address.confirmed', channel_id: channels[0] }, 'A notification e-mail address was confirmed');
  }
}
