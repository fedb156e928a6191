/**
 * The channel kinds: what the admin configures for each (settings in clear,
 * secrets sealed), and how one message reaches it. HTTP kinds go through the
 * one instrumented HTTP client with the kind's breaker (`notify-<kind>`);
 * e-mail goes through nodemailer's SMTP transport with the `notify-email`
 * breaker; Web Push is encrypted by web-push (web-push.ts) and posted through
 * the same HTTP client, on one breaker per push service, over connections the
 * outbound-address policy guards. Secret values are
 * registered with the log/span scrubber before they are used, so a URL or
 * password never reaches a log line or span.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { NotificationChannelKind } from '../../db/schema';
import { AppError } from '../../errors';
import { HttpClient } from '../../integrations/http-client';
import type { OutboundPolicy } from '../../integrations/outbound-policy';
import { registerSecret } from '../../observability/redact';
import type { BreakerRegistry } from '../../resilience/breakers';
import { emailSettings, sendEmail } from './email';
import { DISCORD_NO_MENTIONS, escapeDiscord, escapeSlack } from './markup';
import { pushToDevices, VAPID_SUBJECT, type PushRecipient } from './web-push';

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const topic = z
  .string()
  .trim()
  .regex(/^[\w-]{1,64}$/, 'must be 1-64 letters, digits, - or _');

/** Per kind: the settings stored in clear and the secrets stored sealed. */
export const CHANNEL_SCHEMAS = {
  ntfy: {
    settings: z
      .object({
        serverUrl: httpUrl,
        topic,
        /** Members may choose their own topic only under this prefix (unset: members use the household topic). */
        memberTopicPrefix: z
          .string()
          .trim()
          .regex(/^[\w-]{3,32}$/, 'must be 3-32 letters, digits, - or _')
          .optional(),
      })
      .strict(),
    secrets: z.object({ token: z.string().min(1).max(500).nullable().optional() }).strict(),
    requiredSecrets: [] as string[],
  },
  discord: {
    settings: z.object({}).strict(),
    secrets: z.object({ webhookUrl: httpUrl.optional() }).strict(),
    requiredSecrets: ['webhookUrl'],
  },
  slack: {
    settings: z.object({}).strict(),
    secrets: z.object({ webhookUrl: httpUrl.optional() }).strict(),
    requiredSecrets: ['webhookUrl'],
  },
  webhook: {
    settings: z.object({}).strict(),
    secrets: z
      .object({ url: httpUrl.optional(), signingSecret: z.string().min(16, 'must be at least 16 characters').max(500).optional() })
      .strict(),
    requiredSecrets: ['url', 'signingSecret'],
  },
  email: {
    settings: emailSettings,
    secrets: z.object({ password: z.string().min(1).max(500).nullable().optional() }).strict(),
    requiredSecrets: [] as string[],
  },
  /** The VAPID keys are the server's (generated once, web-push.ts); the admin gives the contact push services see. */
  webpush: {
    settings: z.object({ subject: VAPID_SUBJECT }).strict(),
    secrets: z.object({}).strict(),
    requiredSecrets: [] as string[],
  },
} satisfies Record<NotificationChannelKind, { settings: z.ZodType; secrets: z.ZodType; requiredSecrets: string[] }>;

export interface Message {
  /** Delivery id (the webhook's X-MediaNest-Delivery), or `test-…` for a test message. */
  id: string;
  event: string;
  title: string;
  body: string;
  link: string | null;
  occurredAt: string;
  request: { id: number; title: string; mediaType: string; status: string } | null;
}

export interface Recipient {
  username: string;
  /** The member's e-mail address or ntfy topic, when the channel kind uses one. */
  address: string | null;
  /** Web Push: the member's subscribed browsers and the server's VAPID keys. */
  push?: PushRecipient;
}

export interface ChannelConfig {
  kind: NotificationChannelKind;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

const SIGNATURE_HEADER = 'X-MediaNest-Signature';
const TIMESTAMP_HEADER = 'X-MediaNest-Timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, what a webhook receiver recomputes. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** A webhook URL's secret is its path and query (the host is not): logs keep the host for the operator. */
function secretPart(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    const rest = url.pathname + url.search;
    return rest.length >= 8 ? rest : value;
  } catch {
    return value;
  }
}

const DISPLAY: Record<NotificationChannelKind, string> = {
  ntfy: 'ntfy',
  discord: 'Discord',
  slack: 'Slack',
  webhook: 'Webhook',
  email: 'SMTP server',
  webpush: 'The push service',
};

export class ChannelSender {
  constructor(
    private readonly breakers: BreakerRegistry,
    private readonly timeoutMs: number,
    /** Where members' push endpoints may lead (checked as written and at connect time). */
    private readonly outbound: OutboundPolicy,
  ) {}

  /** Sends one message; resolves when the channel accepted it, rejects (AppError) otherwise. */
  async send(channel: ChannelConfig, message: Message, recipient: Recipient): Promise<void> {
    for (const value of Object.values(channel.secrets)) registerSecret(secretPart(value));
    const s = channel.settings;
    switch (channel.kind) {
      case 'ntfy': {
        const headers: Record<string, string> = {};
        if (channel.secrets.token) headers.Authorization = `Bearer ${channel.secrets.token}`;
        await this.post('ntfy', String(s.serverUrl), headers, {
          topic: recipient.address ?? String(s.topic),
          title: message.title,
          message: message.body,
          tags: ['movie_camera'],
          ...(message.link ? { click: message.link } : {}),
        });
        return;
      }
      case 'discord':
        await this.post(
          'discord',
          channel.secrets.webhookUrl!,
          {},
          {
            username: 'MediaNest',
            content: `**${escapeDiscord(message.title)}**\n${escapeDiscord(message.body)}`,
            allowed_mentions: DISCORD_NO_MENTIONS,
            ...(message.link ? { embeds: [{ title: message.title, url: message.link }] } : {}),
          },
        );
        return;
      case 'slack':
        await this.post(
          'slack',
          channel.secrets.webhookUrl!,
          {},
          {
            text: `*${escapeSlack(message.title)}*\n${escapeSlack(message.body)}${message.link ? `\n<${message.link}|Open in MediaNest>` : ''}`,
          },
        );
        return;
      case 'webhook': {
        const body = { ...message, recipient: { username: recipient.username } };
        const raw = JSON.stringify(body);
        const timestamp = String(Math.floor(Date.now() / 1000));
        await this.post(
          'webhook',
          channel.secrets.url!,
          {
            'X-MediaNest-Event': message.event,
            'X-MediaNest-Delivery': message.id,
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signWebhook(channel.secrets.signingSecret!, timestamp, raw),
          },
          body,
        );
        return;
      }
      case 'email':
        await this.email(channel, message, recipient);
        return;
      case 'webpush':
        await pushToDevices(String(s.subject), message, recipient, (target, request) => this.pushClient(target).request(request));
        return;
    }
  }

  /** The instrumented client for one call to `target`'s origin, on the kind's breaker. */
  private client(kind: Exclude<NotificationChannelKind, 'email' | 'webpush'>, target: URL): HttpClient {
    return new HttpClient({
      service: `notify-${kind}`,
      displayName: DISPLAY[kind],
      baseUrl: target.origin,
      breaker: this.breakers.get(`notify-${kind}`),
      timeoutMs: this.timeoutMs,
      retries: 0, // the delivery job retries, with backoff measured in seconds
      retryBaseDelayMs: 1,
    });
  }

  /** A member's push endpoint: allowed by the outbound policy, on its push service's breaker and guarded connections. */
  private pushClient(target: URL): HttpClient {
    const { service } = this.outbound.checkPushEndpoint(target.href);
    return new HttpClient({
      service: 'notify-webpush',
      displayName: DISPLAY.webpush,
      baseUrl: target.origin,
      breaker: this.breakers.get(`notify-webpush:${service}`),
      dispatcher: this.outbound.dispatcher,
      timeoutMs: this.timeoutMs,
      retries: 0,
      retryBaseDelayMs: 1,
    });
  }

  private async post(
    kind: Exclude<NotificationChannelKind, 'email' | 'webpush'>,
    target: string,
    headers: Record<string, string>,
    json: unknown,
  ): Promise<void> {
    const url = new URL(target);
    // 'bytes': receivers answer 204, "ok" (Slack) or JSON (ntfy); only the status matters.
    await this.client(kind, url).request({
      operation: 'send',
      method: 'POST',
      path: url.pathname + url.search,
      headers,
      json,
      responseType: 'bytes',
    });
  }

  private async email(channel: ChannelConfig, message: Message, recipient: Recipient): Promise<void> {
    if (!recipient.address) throw AppError.badRequest(`${recipient.username} has no e-mail address`);
    await sendEmail(
      channel.settings,
      channel.secrets.password,
      {
        to: recipient.address,
        subject: message.title,
        text: `${message.body}${message.link ? `\n\n${message.link}` : ''}\n`,
        headers: { 'X-MediaNest-Event': message.event, 'X-MediaNest-Delivery': message.id },
      },
      this.breakers,
      this.timeoutMs,
    );
  }
}
