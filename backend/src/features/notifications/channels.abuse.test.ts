/**
 * What a hostile media title, or a careless channel setting, can make a channel do: mention
 * injection and fake links in Discord and Slack, header injection through the sender, SMTP
 * credentials in clear. Receivers are the local fakes on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundPolicy } from '../../integrations/outbound-policy';
import { BreakerRegistry } from '../../resilience/breakers';
import { HttpReceivers, RECEIVER_SECRETS, SmtpSink } from '../../../test/receivers/notification-receivers';
import { CHANNEL_SCHEMAS, ChannelSender, type Message } from './channels';

const HOSTILE = '@everyone <@&123456> <!channel> <@U024BE7LH> [Open in MediaNest](https://evil.example) *bold* & more';

let hooks: HttpReceivers;
let smtp: SmtpSink;
let breakers: BreakerRegistry;
let sender: ChannelSender;

const message: Message = {
  id: '1',
  event: 'request.available',
  title: `Ready to watch: ${HOSTILE}`,
  body: `"${HOSTILE}", which you requested, is now available on Plex.`,
  link: 'http://127.0.0.1:4000/requests/1',
  occurredAt: new Date().toISOString(),
  request: null,
};

beforeAll(async () => {
  hooks = new HttpReceivers(RECEIVER_SECRETS.signingSecret);
  smtp = new SmtpSink(RECEIVER_SECRETS.smtp);
  await Promise.all([hooks.start(), smtp.start()]);
  breakers = new BreakerRegistry();
  sender = new ChannelSender(breakers, 2000, new OutboundPolicy({ connectTimeoutMs: 2000 }));
});

afterAll(async () => {
  breakers.close();
  await hooks.stop();
  await smtp.stop();
});

describe('titles in chat messages', () => {
  it('reach Discord as text: no mention parsed, no markdown link or bold', async () => {
    await sender.send(
      { kind: 'discord', settings: {}, secrets: { webhookUrl: `${hooks.url}/discord/api/webhooks/1/tok-abcdefgh` } },
      message,
      {
        username: 'alice',
        address: null,
      },
    );
    const [sent] = hooks.of('discord');
    expect(sent!.body.allowed_mentions).toEqual({ parse: [] });
    const content = String(sent!.body.content);
    // Every mention and markup character is escaped, so Discord shows it as typed.
    const body = content.split('\n')[1]!;
    expect(body.match(/(?<!\\)[@<>[\]()*:]/g)).toBeNull();
    expect(content).toContain('\\@everyone \\<\\@&123456\\> \\<\\!channel\\>');
    expect(content).toContain('\\[Open in MediaNest\\]\\(https\\://evil.example\\)');
    expect(content.startsWith('**Ready to watch\\: ')).toBe(true);
  });

  it('reach Slack with & < > escaped, so <!channel> and <url|label> stay text', async () => {
    await sender.send({ kind: 'slack', settings: {}, secrets: { webhookUrl: `${hooks.url}/slack/services/T1/B2/abcdefgh` } }, message, {
      username: 'alice',
      address: null,
    });
    const text = String(hooks.of('slack')[0]!.body.text);
    expect(text).toContain('&lt;!channel&gt; &lt;@U024BE7LH&gt;');
    expect(text).toContain('&amp; more');
    expect(text).not.toContain('<!channel>');
    // The one real link is ours, added after the escaped text.
    expect(text.match(/</g)).toHaveLength(1);
    expect(text.endsWith('\n<http://127.0.0.1:4000/requests/1|Open in MediaNest>')).toBe(true);
  });
});

describe('the e-mail channel', () => {
  const email = (settings: Record<string, unknown>) => ({
    kind: 'email' as const,
    settings: { host: '127.0.0.1', port: smtp.port, username: RECEIVER_SECRETS.smtp.username, from: 'medianest@example.com', ...settings },
    secrets: { password: RECEIVER_SECRETS.smtp.password },
  });

  it('refuses a sender with CR/LF or more than one address', () => {
    const settings = CHANNEL_SCHEMAS.email.settings;
    const base = { host: 'smtp.example.com', port: 587 };
    for (const from of [
      'media@example.com\r\nBcc: everyone@example.com',
      'MediaNest <media@example.com>\nX-Injected: 1',
      'a@example.com, b@example.com',
      'not an address',
      'MediaNest <>',
    ])
      expect(settings.safeParse({ ...base, from }).success, JSON.stringify(from)).toBe(false);
    for (const from of ['media@example.com', 'MediaNest <media@example.com>', '"Media, Nest" <media@example.com>'])
      expect(settings.safeParse({ ...base, from }).success, from).toBe(true);
  });

  it('does not send the password to a server that offers no STARTTLS, unless the admin allowed plaintext', async () => {
    // The sink offers no STARTTLS: by default nothing is sent, the password included.
    await expect(sender.send(email({}), message, { username: 'alice', address: 'alice@example.com' })).rejects.toThrow(/STARTTLS/i);
    expect(smtp.received).toEqual([]);
    expect(smtp.authAttempts).toBe(0);
    // The admin's explicit opt-out (a relay on the same host).
    await sender.send(email({ allowPlaintext: true }), message, { username: 'alice', address: 'alice@example.com' });
    expect(smtp.received.map((m) => m.to)).toEqual(['alice@example.com']);
    expect(smtp.authAttempts).toBe(1);
    // A sender stored with a line break before this check existed is refused at send time, not sent broken.
    await expect(
      sender.send(email({ allowPlaintext: true, from: 'a@example.com\r\nBcc: x@example.com' }), message, {
        username: 'alice',
        address: 'alice@example.com',
      }),
    ).rejects.toThrow(/settings are invalid/);
    expect(smtp.received).toHaveLength(1);
  });
});
