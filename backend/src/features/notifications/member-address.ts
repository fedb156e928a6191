/**
 * A member's own address on a channel: an e-mail address, or an ntfy topic. Both are places the
 * server sends to on the member's word, so both are bounded: an ntfy topic only under the prefix the
 * admin chose for member topics (the channel's token publishes anywhere on that server otherwise),
 * an e-mail address other than the account's own only once confirmed by a link sent to it
 * (address-confirmation.ts).
 */
import type { NotificationChannelKind } from '../../db/schema';
import { AppError } from '../../errors';
import { topic } from './channels';
import { z } from 'zod';

/** Which kinds take a member's own address, and what it is. */
export const MEMBER_ADDRESS: Partial<Record<NotificationChannelKind, 'email' | 'topic'>> = { email: 'email', ntfy: 'topic' };

/** Why a member may not use `address` as their ntfy topic on a channel with these settings (undefined: they may). */
export function memberTopicRefusal(settings: Record<string, unknown>, address: string): string | undefined {
  const prefix = typeof settings.memberTopicPrefix === 'string' ? settings.memberTopicPrefix : undefined;
  if (!prefix) return 'This ntfy channel has no prefix for member topics: messages go to the household topic';
  if (!address.startsWith(prefix) || address.length === prefix.length)
    return `Your own ntfy topic must start with "${prefix}" (for example ${prefix}yourname)`;
  return undefined;
}

/** The address as stored (null: the channel's default), or a 400 naming what is wrong with it. */
export function validateMemberAddress(
  kind: NotificationChannelKind,
  settings: Record<string, unknown>,
  address: string | null,
): string | null {
  if (address === null || address === '') return null;
  if (!MEMBER_ADDRESS[kind]) throw AppError.badRequest(`A ${kind} channel has no per-member address`);
  if (MEMBER_ADDRESS[kind] === 'topic') {
    if (!topic.safeParse(address).success) throw AppError.badRequest('An ntfy topic is 1-64 letters, digits, - or _');
    const refusal = memberTopicRefusal(settings, address);
    if (refusal) throw AppError.badRequest(refusal);
  }
  if (MEMBER_ADDRESS[kind] === 'email' && !z.email().safeParse(address).success) throw AppError.badRequest('That is not an e-mail address');
  return address;
}
