/**
 * Local peers for the notification channels, on 127.0.0.1:
 * - one HTTP server playing ntfy (JSON publish at its root path), a Discord
 *   webhook (answers 204), a Slack incoming webhook (answers "ok") and a
 *   generic webhook receiver that verifies MediaNest's signature the way a
 *   real receiver should (HMAC-SHA256 over "<timestamp>.<raw body>",
 *   constant-time compare, 5-minute replay window) and refuses anything else;
 * - an SMTP sink (smtp-server) that parses each message with mailparser.
 * Each can be taken down (HTTP answers 503; the SMTP port stops listening)
 * and brought back.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedHttp {
  channel: 'ntfy' | 'discord' | 'slack' | 'webhook';
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** When it arrived (Date.now()). */
  receivedAt: number;
}

export interface ReceivedMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
  /** When the message was accepted (Date.now()). */
  receivedAt: number;
}

/** What a webhook receiver checks before trusting a MediaNest call; returns the reason it refuses, or null. */
export function verifySignedWebhook(
  secret: string,
  headers: http.IncomingHttpHeaders,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): string | null {
  const timestamp = headers['x-medianest-timestamp'];
  const signature = headers['x-medianest-signature'];
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return 'missing timestamp';
  if (typeof signature !== 'string' || !signature.startsWith('sha256=')) return 'missing signature';
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return 'timestamp outside the replay window';
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'));
  const given = Buffer.from(signature.slice('sha256='.length));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  return null;
}

/** The secrets the receivers expect (and a test checks never leak). */
export const RECEIVER_SECRETS = {
  signingSecret: 'whsec-5b7e1c0d9a8f4e3b2a1c',
  discordToken: 'discord-token-Zx81yQ4nW2vP0tLk',
  slackPath: 'T0001/B0002/slacksecretXYZ123',
  ntfyToken: 'tk_ntfytoken0123456789',
  smtp: { username: 'mailer', password: 'smtp-password-Qw3rty!' },
};

/** Admin API bodies for one channel of each HTTP kind and e-mail, pointing at these receivers. */
export function channelInputs(hooks: HttpReceivers, smtp: SmtpSink, secrets: typeof RECEIVER_SECRETS = RECEIVER_SECRETS) {
  return {
    ntfy: {
      name: 'Household ntfy',
      kind: 'ntfy',
      settings: { serverUrl: `${hooks.url}/ntfy`, topic: 'medianest-house', memberTopicPrefix: 'medianest-' },
      secrets: { token: secrets.ntfyToken },
    },
    discord: {
      name: 'Family Discord',
      kind: 'discord',
      settings: {},
      secrets: { webhookUrl: `${hooks.url}/discord/api/webhooks/1234/${secrets.discordToken}` },
    },
    slack: { name: 'Slack', kind: 'slack', settings: {}, secrets: { webhookUrl: `${hooks.url}/slack/services/${secrets.slackPath}` } },
    webhook: {
      name: 'Home Assistant',
      kind: 'webhook',
      settings: {},
      secrets: { url: `${hooks.url}/hook`, signingSecret: secrets.signingSecret },
    },
    email: {
      name: 'Mail',
      kind: 'email',
      settings: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        // The sink offers no STARTTLS: the admin's explicit opt-out (a relay on this machine).
        allowPlaintext: true,
        username: secrets.smtp.username,
        from: 'MediaNest <medianest@example.com>',
      },
      secrets: { password: secrets.smtp.password },
    },
  };
}

export class HttpReceivers {
  readonly received: ReceivedHttp[] = [];
  readonly refused: string[] = [];
  private server: http.Server | undefined;
  private down = false;
  url = '';

  constructor(private readonly webhookSecret: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  setDown(down: boolean): void {
    this.down = down;
  }

  of(channel: ReceivedHttp['channel']): ReceivedHttp[] {
    return this.received.filter((r) => r.channel === channel);
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    if (this.down) {
      res.writeHead(503).end();
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const record = (channel: ReceivedHttp['channel']) =>
      this.received.push({ channel, path, headers: req.headers, body, receivedAt: Date.now() });
    if (req.method === 'POST' && path === '/ntfy') {
      if (typeof body.topic !== 'string' || typeof body.message !== 'string') return void res.writeHead(400).end();
      record('ntfy');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `m${this.received.length}`, event: 'message', topic: body.topic }));
    } else if (req.method === 'POST' && path.startsWith('/discord/api/webhooks/')) {
      record('discord');
      res.writeHead(204).end();
    } else if (req.method === 'POST' && path.startsWith('/slack/services/')) {
      record('slack');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (req.method === 'POST' && path === '/hook') {
      const refusal = verifySignedWebhook(this.webhookSecret, req.headers, raw, Math.floor(Date.now() / 1000));
      if (refusal) {
        this.refused.push(refusal);
        res.writeHead(401).end(refusal);
        return;
      }
      record('webhook');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else {
      res.writeHead(404).end();
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** AUTH commands that reached the sink (the credentials crossed the wire). */
  authAttempts = 0;
  private server: SMTPServer | undefined;
  port = 0;

  constructor(private readonly credentials: { username: string; password: string }) {}

  private create(): SMTPServer {
    return new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        this.authAttempts += 1;
        if (auth.username === this.credentials.username && auth.password === this.credentials.password)
          return callback(null, { user: auth.username });
        callback(new Error('Invalid username or password'));
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const address = (a: typeof mail.to) => (Array.isArray(a) ? a.map((x) => x.text).join(', ') : (a?.text ?? ''));
            this.received.push({
              from: mail.from?.text ?? '',
              to: address(mail.to),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              headers: Object.fromEntries([...mail.headers].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
              receivedAt: Date.now(),
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
  }

  /** Listens (again) on its port; the first start picks a free one. */
  async start(): Promise<void> {
    this.server = this.create();
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
