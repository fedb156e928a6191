/** A channel as administrators see it: which secrets are set; their values never leave the server. */
import type { NotificationChannel } from '@medianest/contracts';
import { CHANNEL_SCHEMAS } from './channels';
import type { ChannelRow } from './notifications.repository';

export function toPublicChannel(row: ChannelRow, stored: Record<string, string>): NotificationChannel {
  const fields = Object.keys(CHANNEL_SCHEMAS[row.kind].secrets.shape);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    settings: row.settings,
    secrets: Object.fromEntries(fields.map((f) => [f, { set: typeof stored[f] === 'string' && stored[f] !== '' }])),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
