/**
 * `npm run drill -- notifications`: notification delivery at production
 * settings — the default NOTIFICATIONS_ATTEMPTS, NOTIFICATIONS_RETRY_BASE_MS,
 * breaker timings and upstream timeouts — on PostgreSQL and Redis, with the
 * fake Overseerr firing its real webhooks and every message checked by a
 * local receiver (ntfy, Discord, Slack, the signed webhook, an SMTP server and
 * a Web Push service). It answers three questions and prints the numbers:
 *
 * (a) delivery latency p50/p95 per channel, from the Overseerr event to the
 *     receiver having the message;
 * (b) an SMTP server down for NOTIFY_DRILL_OUTAGE_S seconds (300 by default;
 *     the port refuses connections) while requests are approved and become available: how many
 *     e-mails were queued, delivered, lost and doubled, and how long after the
 *     server came back the last one arrived — while ntfy kept delivering;
 * (c) duplicates when each Overseerr webhook is sent four times (once and
 *     three retries) across two replicas.
 *
 * A message is identified by its request link and title (each request event
 * has its own), and by the delivery id where the channel carries it (e-mail
 * and webhook headers, the Web Push payload).
 */
import net from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBackgroundJobs } from '../src/background-jobs';
import { notificationDeliveries } from '../src/db/schema';
import { createUser, loginCookie } from '../test/auth-helpers';
import { createTestApp, type TestApp } from '../test/context';
import { FAKE_WEBHOOK_SECRET, listen, startUpstreams, type Upstreams } from '../test/fakes/upstreams';
import { registrySum } from '../test/metrics-helpers';
import { channelInputs, HttpReceivers, RECEIVER_SECRETS, SmtpSink } from '../test/receivers/notification-receivers';
import { WebPushReceiver } from '../test/receivers/web-push-receiver';
import { startReplica } from '../test/replica';
import { waitFor } from '../test/tcp-proxy';

const OUTAGE_MS = Number(process.env.NOTIFY_DRILL_OUTAGE_S ?? 300) * 1000;
const PUBLIC_URL = 'http://127.0.0.1:4000';
const KINDS = ['ntfy', 'discord', 'slack', 'webhook', 'email', 'webpush'] as const;
type Kind = (typeof KINDS)[number];
const REQUEST_EVENTS = ['request.approved', 'request.available', 'request.declined', 'request.failed'];
const CAROL_EVENTS = ['request.approved', 'request.available'];
/** The fake Overseerr's movies that nobody has requested yet; a declined one can be requested again. */
const MOVIES = [155, 550, 605, 27205];
/** (a): approve then decline, this many times: two samples per channel each. */
const LATENCY_CYCLES = 15;
/** (b): requests approved and then available during the outage: two events each. */
const OUTAGE_REQUESTS: Array<{ mediaType: 'movie' | 'tv'; tmdbId: number }> = [
  ...MOVIES.map((tmdbId) => ({ mediaType: 'movie' as const, tmdbId })),
  { mediaType: 'tv', tmdbId: 1399 },
];

let up: Upstreams;
let t: TestApp;
let server: { url: string; close(): Promise<void> };
let webhookUrl: string;
let hooks: HttpReceivers;
let smtp: SmtpSink;
let push: WebPushReceiver;
let admin: string;
let alice: { id: string; cookie: string };
let carol: { id: string; cookie: string };
const channelIds: Partial<Record<Kind, number>> = {};

const report: { latency?: string; outage?: string; replicas?: string } = {};

interface Arrival {
  kind: Kind;
  /** "<request link> <title>": one per request event. */
  key: string;
  to: string;
  deliveryId?: string;
  at: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Everything the receivers have, as the member would see it. */
function arrivals(): Arrival[] {
  const out: Arrival[] = [];
  for (const m of hooks.received) {
    const b = m.body;
    if (m.channel === 'ntfy') out.push({ kind: 'ntfy', key: `${str(b.click)} ${str(b.title)}`, to: str(b.topic), at: m.receivedAt });
    else if (m.channel === 'discord') {
      const embed = ((b.embeds as Array<Record<string, unknown>> | undefined) ?? [])[0] ?? {};
      out.push({ kind: 'discord', key: `${str(embed.url)} ${str(embed.title)}`, to: 'discord', at: m.receivedAt });
    } else if (m.channel === 'slack') {
      const text = str(b.text);
      const title = /^\*(.*)\*$/m.exec(text)?.[1] ?? '';
      const link = /<([^|>]+)\|Open in MediaNest>/.exec(text)?.[1] ?? '';
      out.push({ kind: 'slack', key: `${link} ${title}`, to: 'slack', at: m.receivedAt });
    } else {
      const deliveryId = m.headers['x-medianest-delivery'];
      out.push({
        kind: 'webhook',
        key: `${str(b.link)} ${str(b.title)}`,
        to: 'webhook',
        deliveryId: typeof deliveryId === 'string' ? deliveryId : undefined,
        at: m.receivedAt,
      });
    }
  }
  for (const m of smtp.received) {
    const link = /http:\/\/127\.0\.0\.1:4000\/requests\/\d+/.exec(m.text)?.[0] ?? '';
    out.push({ kind: 'email', key: `${link} ${m.subject}`, to: m.to, deliveryId: m.headers['x-medianest-delivery'], at: m.receivedAt });
  }
  for (const m of push.received)
    out.push({
      kind: 'webpush',
      key: `${str(m.payload.link)} ${str(m.payload.title)}`,
      to: m.endpoint,
      deliveryId: String(m.payload.id),
      at: m.receivedAt,
    });
  return out;
}

function clearReceivers() {
  hooks.received.length = 0;
  smtp.received.length = 0;
  push.received.length = 0;
}

const deliveries = () => t.container.database.db.select().from(notificationDeliveries).orderBy(notificationDeliveries.id);
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (n: number) => `${Math.round(n)} ms`;
const seconds = (n: number) => `${(n / 1000).toFixed(1)} s`;

function table(head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join(' | ')} |`;
  return [
    line(head),
    `|${width.map((w, i) => (i === 0 ? '-' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`,
    ...rows.map((r) => line(r.map(String))),
  ].join('\n');
}

async function ask(cookie: string, body: object): Promise<{ id: number; overseerrId: number; title: string; link: string }> {
  const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', cookie).send(body);
  if (res.status !== 201) throw new Error(`request ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  const r = res.body.request as { id: number; overseerrId: number; title: string };
  return { ...r, link: `${PUBLIC_URL}/requests/${r.id}` };
}

const prefs = (cookie: string, kind: Kind, events: string[], address: string | null = null) =>
  request(t.app).patch(`/api/v1/notifications/preferences/${channelIds[kind]}`).set('Cookie', cookie).send({ events, address });

/** Whether nothing listens on the port any more (the connection is refused, as by a stopped mail server). */
const refuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });

beforeAll(async () => {
  hooks = new HttpReceivers(RECEIVER_SECRETS.signingSecret);
  smtp = new SmtpSink(RECEIVER_SECRETS.smtp);
  push = new WebPushReceiver();
  await Promise.all([hooks.start(), smtp.start(), push.start()]);
  up = await startUpstreams();
  // Production behaviour: default upstream timeout and retries; notification attempts, backoff and breakers untouched.
  const { UPSTREAM_TIMEOUT_MS: _timeout, UPSTREAM_RETRY_BASE_MS: _retry, ...env } = up.env;
  t = await createTestApp({ ...env, PUBLIC_URL, WEB_PUSH_ALLOW_LOOPBACK: 'true' });
  expect(t.config).toMatchObject({ NOTIFICATIONS_ATTEMPTS: 10, NOTIFICATIONS_RETRY_BASE_MS: 5000, BREAKER_RESET_TIMEOUT_MS: 30_000 });
  server = await listen(t.app);
  webhookUrl = `${server.url}/api/v1/webhooks/overseerr`;
  up.overseerr.setWebhook(webhookUrl, FAKE_WEBHOOK_SECRET);
  await startBackgroundJobs(t.container, 'all');
  admin = await loginCookie(t.app);
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com' });

  const inputs = {
    ...channelInputs(hooks, smtp),
    webpush: { name: 'Browsers', kind: 'webpush', settings: { subject: 'mailto:owner@example.com' } },
  };
  for (const kind of KINDS) {
    const res = await request(t.app).post('/api/v1/admin/notifications/channels').set('Cookie', admin).send(inputs[kind]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    channelIds[kind] = res.body.channel.id;
  }
  // Alice hears about her requests everywhere, Web Push on her phone included.
  for (const kind of KINDS) expect((await prefs(alice.cookie, kind, REQUEST_EVENTS)).status).toBe(200);
  const phone = await request(t.app)
    .post('/api/v1/notifications/push/subscriptions')
    .set('Cookie', alice.cookie)
    .send({ ...push.subscribe(), expirationTime: null, label: 'Firefox on Android' });
  expect(phone.status, JSON.stringify(phone.body)).toBe(201);
  // Carol: by e-mail and on her own ntfy topic when a request is approved and when it is ready.
  expect((await prefs(carol.cookie, 'ntfy', CAROL_EVENTS, 'carol-phone')).status).toBe(200);
  expect((await prefs(carol.cookie, 'email', CAROL_EVENTS)).status).toBe(200);
});

afterAll(async () => {
  process.stdout.write(
    `\nNotification drill (production attempts, backoff and breakers; PostgreSQL + Redis), ${new Date().toISOString()}:\n\n` +
      [report.latency, report.outage, report.replicas].filter(Boolean).join('\n\n') +
      '\n\n',
  );
  await server?.close();
  await t?.cleanup();
  await up?.stop();
  await hooks?.stop();
  await smtp?.stop();
  await push?.stop();
});

it(
  '(a) delivers each request event on every channel; latency per channel',
  async () => {
    clearReceivers();
    const latency: Record<Kind, number[]> = { ntfy: [], discord: [], slack: [], webhook: [], email: [], webpush: [] };
    const timeEvent = async (key: string, fire: () => Promise<number | undefined>) => {
      const at = Date.now();
      expect(await fire()).toBe(200);
      await waitFor(
        () => {
          const seen = arrivals().filter((a) => a.key === key);
          return KINDS.every((k) => seen.some((a) => a.kind === k));
        },
        60_000,
        20,
      );
      const seen = arrivals().filter((a) => a.key === key);
      for (const k of KINDS) latency[k].push(seen.find((a) => a.kind === k)!.at - at);
    };
    for (let i = 0; i < LATENCY_CYCLES; i++) {
      const r = await ask(alice.cookie, { mediaType: 'movie', tmdbId: MOVIES[i % MOVIES.length] });
      await timeEvent(`${r.link} Approved: ${r.title}`, () => up.overseerr.approve(r.overseerrId));
      await timeEvent(`${r.link} Declined: ${r.title}`, () => up.overseerr.decline(r.overseerrId));
    }
    report.latency =
      `(a) Latency, Overseerr webhook sent → message at the receiver (${LATENCY_CYCLES * 2} events, one at a time):\n` +
      table(
        ['channel', 'messages', 'p50', 'p95', 'max'],
        KINDS.map((k) => [
          k,
          latency[k].length,
          ms(percentile(latency[k], 50)),
          ms(percentile(latency[k], 95)),
          ms(Math.max(...latency[k])),
        ]),
      );
    // Every event reached every channel once.
    for (const k of KINDS) {
      const keys = arrivals()
        .filter((a) => a.kind === k)
        .map((a) => a.key);
      expect(keys.length, k).toBe(LATENCY_CYCLES * 2);
      expect(new Set(keys).size, k).toBe(LATENCY_CYCLES * 2);
    }
  },
  10 * 60_000,
);

it(
  '(c) sends each message once when every webhook reaches two replicas four times',
  async () => {
    clearReceivers();
    const replica = await startReplica(t, webhookUrl);
    const before = (await deliveries()).length;
    const keys: string[] = [];
    const sendFourTimes = async (payload: Record<string, unknown>) => {
      const answers = await Promise.all(
        [webhookUrl, replica.webhookUrl, webhookUrl, replica.webhookUrl].map((url) =>
          up.overseerr.sendWebhook(payload, { url, authorization: FAKE_WEBHOOK_SECRET }),
        ),
      );
      expect(answers).toEqual([200, 200, 200, 200]);
    };
    try {
      for (const tmdbId of MOVIES) {
        const r = await ask(alice.cookie, { mediaType: 'movie', tmdbId });
        up.overseerr.silentlySet(r.overseerrId, 2, 3);
        await sendFourTimes(up.overseerr.webhookPayload('MEDIA_APPROVED', r.overseerrId));
        up.overseerr.silentlySet(r.overseerrId, 3, 1);
        await sendFourTimes(up.overseerr.webhookPayload('MEDIA_DECLINED', r.overseerrId));
        keys.push(`${r.link} Approved: ${r.title}`, `${r.link} Declined: ${r.title}`);
      }
      await waitFor(() => {
        const seen = arrivals();
        return KINDS.every((k) => keys.every((key) => seen.some((a) => a.kind === k && a.key === key)));
      }, 120_000);
      // Time for a second copy to show up: past the first retry's backoff (5 s) and a sweep.
      await replica.settle();
      await new Promise((r) => setTimeout(r, 15_000));
    } finally {
      await replica.close();
    }
    const rows = (await deliveries()).length - before;
    const seen = arrivals();
    const counts = KINDS.map((k) => {
      const mine = seen.filter((a) => a.kind === k);
      return { kind: k, received: mine.length, distinct: new Set(mine.map((a) => a.key)).size };
    });
    const duplicates = counts.reduce((n, c) => n + c.received - c.distinct, 0);
    report.replicas =
      `(c) Overseerr webhook sent 4 times (1 + 3 retries) across 2 replicas, ${keys.length} events × ${KINDS.length} channels:\n` +
      table(
        ['channel', 'expected', 'received', 'duplicates'],
        counts.map((c) => [c.kind, keys.length, c.received, c.received - c.distinct]),
      ) +
      `\ndelivery rows: ${rows} (expected ${keys.length * KINDS.length}); duplicates in all: ${duplicates} (goal 0)`;
    expect(rows).toBe(keys.length * KINDS.length);
    expect(duplicates).toBe(0);
    for (const c of counts) expect(c.distinct, c.kind).toBe(keys.length);
  },
  10 * 60_000,
);

it(
  '(b) keeps e-mails through an SMTP outage and delivers each once after it, while ntfy goes on',
  async () => {
    // Carol's requests, waiting for approval when the mail server goes down.
    const requests = [];
    for (const body of OUTAGE_REQUESTS) requests.push(await ask(carol.cookie, body));
    const events = requests.flatMap((r) => [
      { key: `${r.link} Approved: ${r.title}`, fire: () => up.overseerr.approve(r.overseerrId) },
      { key: `${r.link} Ready to watch: ${r.title}`, fire: () => up.overseerr.markAvailable(r.overseerrId) },
    ]);
    clearReceivers();
    const emailCount = async () =>
      Object.fromEntries(
        await Promise.all(
          ['retrying', 'delivered', 'failed'].map(
            async (outcome) => [outcome, await registrySum('medianest_notifications_total', { channel: 'email', outcome })] as const,
          ),
        ),
      );
    const counted0 = await emailCount();
    const firstRow = (await deliveries()).length;

    await smtp.stop();
    const downAt = Date.now();
    expect(await refuses(smtp.port)).toBe(true);
    const ntfyLatency: number[] = [];
    for (const [i, event] of events.entries()) {
      await sleepUntil(downAt + ((i + 0.5) * OUTAGE_MS) / events.length);
      const at = Date.now();
      expect(await event.fire()).toBe(200);
      const ntfyHas = () => arrivals().find((a) => a.kind === 'ntfy' && a.to === 'carol-phone' && a.key === event.key);
      await waitFor(() => ntfyHas() !== undefined, 30_000, 20);
      ntfyLatency.push(ntfyHas()!.at - at);
    }
    await sleepUntil(downAt + OUTAGE_MS);
    const emailRows = async () => (await deliveries()).slice(firstRow).filter((d) => d.channelId === channelIds.email);
    const queued = (await emailRows()).filter((d) => d.status === 'pending').length;
    const counted1 = await emailCount();
    const mailsDuringOutage = smtp.received.length;

    await smtp.start();
    const upAt = Date.now();
    const distinctMails = () => new Set(smtp.received.map((m) => m.headers['x-medianest-delivery'])).size;
    // Production backoff: an e-mail's next retry can come minutes after the server is back.
    await waitFor(
      async () => distinctMails() >= events.length || (await emailRows()).every((d) => d.status !== 'pending'),
      30 * 60_000,
      1000,
    ).catch(() => undefined);
    const lastAt = Math.max(...smtp.received.map((m) => m.receivedAt));
    // Time for a second copy to show up (the next retry, a sweep).
    await new Promise((r) => setTimeout(r, 20_000));
    const counted2 = await emailCount();
    const rows = await emailRows();
    const ids = smtp.received.map((m) => m.headers['x-medianest-delivery']);
    const delivered = new Set(ids).size;
    const duplicated = ids.length - delivered;
    const lost = rows.length - rows.filter((d) => ids.includes(String(d.id))).length;
    const ntfy = arrivals().filter((a) => a.kind === 'ntfy' && a.to === 'carol-phone');

    report.outage =
      `(b) SMTP server down ${seconds(OUTAGE_MS)} (port refusing connections), ${events.length} request events during it (${requests.length} requests approved, then available), each e-mailed and sent to ntfy:\n` +
      table(
        ['measure', 'value'],
        [
          ['e-mails planned', rows.length],
          ['e-mails queued (pending) when SMTP came back', queued],
          ['e-mails received while SMTP was down', mailsDuringOutage],
          ['e-mails delivered after it (distinct delivery ids)', delivered],
          ['e-mails lost', lost],
          ['e-mails duplicated', duplicated],
          ['last e-mail after SMTP came back', Number.isFinite(lastAt) ? seconds(lastAt - upAt) : 'none arrived'],
          ['most attempts one e-mail took', Math.max(...rows.map((d) => d.attempts))],
          ['email outcome=retrying during the outage', counted1.retrying! - counted0.retrying!],
          ['email outcome=retrying after it', counted2.retrying! - counted1.retrying!],
          ['email outcome=delivered', counted2.delivered! - counted0.delivered!],
          ['email outcome=failed', counted2.failed! - counted0.failed!],
          ['ntfy delivered during the outage', `${ntfy.filter((a) => a.at < upAt).length} of ${events.length}`],
          ['ntfy latency during the outage p50 / p95', `${ms(percentile(ntfyLatency, 50))} / ${ms(percentile(ntfyLatency, 95))}`],
        ],
      );
    expect(rows.length).toBe(events.length);
    expect(queued).toBe(events.length);
    expect(mailsDuringOutage).toBe(0);
    expect(delivered).toBe(events.length);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(rows.every((d) => d.status === 'delivered')).toBe(true);
    // The outage held back no other channel: every ntfy message arrived while SMTP was still down, once.
    expect(ntfy.filter((a) => a.at < upAt)).toHaveLength(events.length);
    expect(ntfy).toHaveLength(events.length);
  },
  60 * 60_000,
);
