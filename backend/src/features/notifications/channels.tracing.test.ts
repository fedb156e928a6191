import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundPolicy } from '../../integrations/outbound-policy';
import { SanitizingSpanExporter } from '../../observability/tracing/span-redaction';
import { BreakerRegistry } from '../../resilience/breakers';
import { startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { HttpReceivers, SmtpSink } from '../../../test/receivers/notification-receivers';
import { WebPushReceiver } from '../../../test/receivers/web-push-receiver';
import { ChannelSender, type Message } from './channels';
import { generateVapidKeys } from './web-push';

const DISCORD_TOKEN = 'span-discord-token-Hq72Lm0pZ';
const SIGNING_SECRET = 'span-signing-secret-0123456789';
const SMTP = { username: 'mailer', password: 'span-smtp-password-9x' };

let tracing: InMemoryTracing;
let hooks: HttpReceivers;
let smtp: SmtpSink;
let pushService: WebPushReceiver;
let breakers: BreakerRegistry;
let sender: ChannelSender;

const message: Message = {
  id: '1',
  event: 'request.available',
  title: 'Ready to watch: Inception',
  body: '"Inception", which you requested, is now available on Plex.',
  link: null,
  occurredAt: new Date().toISOString(),
  request: { id: 1, title: 'Inception', mediaType: 'movie', status: 'available' },
};

beforeAll(async () => {
  // As in production: every span passes the sanitizing exporter on its way out.
  tracing = startInMemoryTracing((exporter) => new SanitizingSpanExporter(exporter));
  hooks = new HttpReceivers(SIGNING_SECRET);
  smtp = new SmtpSink(SMTP);
  pushService = new WebPushReceiver();
  await Promise.all([hooks.start(), smtp.start(), pushService.start()]);
  breakers = new BreakerRegistry();
  // The local push service listens on 127.0.0.1: the tests' explicit opt-in.
  sender = new ChannelSender(breakers, 2000, new OutboundPolicy({ allowLoopback: true, connectTimeoutMs: 2000 }));
});

afterAll(async () => {
  breakers.close();
  await hooks.stop();
  await smtp.stop();
  await pushService.stop();
  await tracing.shutdown();
});

const everything = (spans: ReadableSpan[]) =>
  JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));

describe('spans of notification deliveries', () => {
  it('record each delivery, delivered or failed, without the channel secrets', async () => {
    const discord = {
      kind: 'discord' as const,
      settings: {},
      secrets: { webhookUrl: `${hooks.url}/discord/api/webhooks/99/${DISCORD_TOKEN}` },
    };
    await sender.send(discord, message, { username: 'alice', address: null });
    hooks.setDown(true);
    await expect(sender.send(discord, message, { username: 'alice', address: null })).rejects.toThrow(/503/);
    hooks.setDown(false);
    await sender.send({ kind: 'webhook', settings: {}, secrets: { url: `${hooks.url}/hook`, signingSecret: SIGNING_SECRET } }, message, {
      username: 'alice',
      address: null,
    });
    const email = {
      kind: 'email' as const,
      settings: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        allowPlaintext: true,
        username: SMTP.username,
        from: 'medianest@example.com',
      },
      secrets: { password: SMTP.password },
    };
    await sender.send(email, message, { username: 'alice', address: 'alice@example.com' });
    await expect(
      sender.send({ ...email, secrets: { password: 'wrong-password-123' } }, message, { username: 'alice', address: 'alice@example.com' }),
    ).rejects.toThrow();

    expect(hooks.of('discord')).toHaveLength(1);
    expect(hooks.of('webhook')).toHaveLength(1);
    expect(smtp.received.map((m) => m.to)).toEqual(['alice@example.com']);
    const spans = tracing.spans();
    expect(spans.filter((s) => s.name === 'notify-discord.send')).toHaveLength(2);
    expect(spans.filter((s) => s.name === 'notify-webhook.send')).toHaveLength(1);
    expect(spans.filter((s) => s.name === 'notify-email.send')).toHaveLength(2);
    const text = everything(spans);
    for (const secret of [DISCORD_TOKEN, SIGNING_SECRET, SMTP.password, 'wrong-password-123']) expect(text).not.toContain(secret);
    expect(text).toContain(hooks.url.replace('http://', '')); // the host stays, for the operator
  });

  it('record each Web Push call without the VAPID key or token, the endpoint path or the browser keys', async () => {
    const vapid = generateVapidKeys();
    const [phone, laptop] = [pushService.subscribe(), pushService.subscribe()];
    const outcomes: string[] = [];
    const recipient = {
      username: 'alice',
      address: null,
      push: {
        vapid,
        devices: [phone, laptop].map((s, i) => ({ id: i + 1, endpoint: s.endpoint, ...s.keys })),
        onDevice: (id: number, outcome: string) => Promise.resolve(void outcomes.push(`${id} ${outcome}`)),
      },
    };
    const channel = { kind: 'webpush' as const, settings: { subject: 'mailto:owner@example.com' }, secrets: {} };
    pushService.setDown([laptop.endpoint]);
    await expect(sender.send(channel, message, recipient)).rejects.toThrow(/503/);
    pushService.setDown(false);
    pushService.expire(phone.endpoint);
    await sender.send(channel, message, recipient);
    expect(outcomes).toEqual(['1 delivered', '1 gone', '2 delivered']);
    expect(pushService.to(laptop.endpoint).map((m) => m.payload.title)).toEqual(['Ready to watch: Inception']);

    const spans = tracing.spans().filter((s) => s.name.startsWith('notify-webpush') || s.attributes['url.full'] !== undefined);
    expect(spans.filter((s) => s.name === 'notify-webpush.send')).toHaveLength(4);
    const text = everything(spans);
    const secrets = [
      vapid.privateKey,
      ...[phone, laptop].flatMap((s) => [new URL(s.endpoint).pathname, s.keys.auth, s.keys.p256dh]),
      ...pushService.received.map((m) => m.token),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain(pushService.url.replace('http://', ''));
  });
});
