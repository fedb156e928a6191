/** Shapes of the notification endpoints (/api/v1/notifications, /api/v1/admin/notifications), read defensively. */
import { isObject } from './read';

export const CHANNEL_KINDS = ['ntfy', 'discord', 'slack', 'webhook', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface NotificationChannel {
  id: number;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  settings: Record<string, unknown>;
  secrets: Record<string, { set: boolean }>;
}

export interface TestResult {
  delivered: boolean;
  durationMs: number;
  error?: string;
}

export interface ChannelPreference {
  channelId: number;
  name: string;
  kind: ChannelKind;
  addressKind: 'email' | 'topic' | null;
  defaultAddress: string | null;
  events: string[];
  address: string | null;
}

export interface Preferences {
  events: string[];
  channels: ChannelPreference[];
}

export interface FollowState {
  request: { id: number; title: string; mediaType: 'movie' | 'tv'; status: string; requestedBy: string; mine: boolean };
  following: boolean;
  followers: number;
}

function readChannel(v: unknown): NotificationChannel | undefined {
  if (!isObject(v) || typeof v.id !== 'number' || typeof v.name !== 'string' || !CHANNEL_KINDS.includes(v.kind as ChannelKind)) return undefined;
  return {
    id: v.id,
    name: v.name,
    kind: v.kind as ChannelKind,
    enabled: v.enabled === true,
    settings: isObject(v.settings) ? v.settings : {},
    secrets: isObject(v.secrets) ? (v.secrets as Record<string, { set: boolean }>) : {},
  };
}

export function readChannels(body: unknown): NotificationChannel[] {
  const list = isObject(body) && Array.isArray(body.channels) ? body.channels : [];
  return list.map(readChannel).filter((c): c is NotificationChannel => c !== undefined);
}

export function readChannelBody(body: unknown): NotificationChannel | undefined {
  return isObject(body) ? readChannel(body.channel) : undefined;
}

export function readTestResult(body: unknown): TestResult | undefined {
  const r = isObject(body) ? body.result : undefined;
  if (!isObject(r) || typeof r.delivered !== 'boolean') return undefined;
  return { delivered: r.delivered, durationMs: Number(r.durationMs) || 0, error: typeof r.error === 'string' ? r.error : undefined };
}

export function readPreferences(body: unknown): Preferences {
  if (!isObject(body)) return { events: [], channels: [] };
  const events = Array.isArray(body.events) ? body.events.filter((e): e is string => typeof e === 'string') : [];
  const channels = (Array.isArray(body.channels) ? body.channels : [])
    .filter(isObject)
    .filter((c) => typeof c.channelId === 'number' && CHANNEL_KINDS.includes(c.kind as ChannelKind))
    .map((c) => ({
      channelId: c.channelId as number,
      name: String(c.name ?? ''),
      kind: c.kind as ChannelKind,
      addressKind: c.addressKind === 'email' ? ('email' as const) : c.addressKind === 'topic' ? ('topic' as const) : null,
      defaultAddress: typeof c.defaultAddress === 'string' ? c.defaultAddress : null,
      events: Array.isArray(c.events) ? c.events.filter((e): e is string => typeof e === 'string') : [],
      address: typeof c.address === 'string' ? c.address : null,
    }));
  return { events, channels };
}

export function readFollowState(body: unknown): FollowState | undefined {
  if (!isObject(body) || !isObject(body.request) || typeof body.following !== 'boolean') return undefined;
  const r = body.request;
  return {
    request: {
      id: Number(r.id),
      title: String(r.title ?? ''),
      mediaType: r.mediaType === 'tv' ? 'tv' : 'movie',
      status: String(r.status ?? ''),
      requestedBy: String(r.requestedBy ?? ''),
      mine: r.mine === true,
    },
    following: body.following,
    followers: Number(body.followers) || 0,
  };
}

export const EVENT_LABELS: Record<string, string> = {
  'request.approved': 'My request was approved',
  'request.available': 'My request is ready to watch',
  'request.declined': 'My request was declined',
  'request.failed': 'My request failed',
  'followed.available': 'A request I follow is ready to watch',
};

export const KIND_LABELS: Record<ChannelKind, string> = {
  ntfy: 'ntfy',
  discord: 'Discord webhook',
  slack: 'Slack-compatible webhook',
  webhook: 'Signed JSON webhook',
  email: 'E-mail (SMTP)',
};
