/**
 * A sealed secret belongs to the destination it was given for. When an admin points a channel at
 * another server (ntfy's `serverUrl`, the SMTP `host`), the stored token or password is dropped
 * unless the same change brings a new one: otherwise an admin session (or whoever holds one) could
 * recover the sealed secret by sending it to a server of their own.
 */
import type { NotificationChannelKind } from '../../db/schema';

/** Per kind: the setting naming the destination, and the secrets that only that destination may receive. */
const DESTINATION: Partial<Record<NotificationChannelKind, { setting: string; secrets: string[] }>> = {
  ntfy: { setting: 'serverUrl', secrets: ['token'] },
  email: { setting: 'host', secrets: ['password'] },
};

/** The server a destination setting names: a URL's origin, a host name in lower case. */
function server(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  try {
    return new URL(text).origin;
  } catch {
    return text.toLowerCase().replace(/\.$/, '');
  }
}

/** The stored secrets that may stay with the channel after its settings change from `before` to `after`. */
export function secretsForDestination(
  kind: NotificationChannelKind,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  stored: Record<string, string>,
): Record<string, string> {
  const destination = DESTINATION[kind];
  if (!destination || server(before[destination.setting]) === server(after[destination.setting])) return stored;
  const kept = { ...stored };
  for (const key of destination.secrets) delete kept[key];
  return kept;
}
