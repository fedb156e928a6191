import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundJobs } from '../../background-jobs';
import { notificationChannels, notificationDeliveries } from '../../db/schema';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { FAKE_WEBHOOK_SECRET, listen, startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { captureLogs, registrySum, type CapturedLog } from '../../../test/metrics-helpers';
import {
  channelInputs as receiverChannelInputs,
  HttpReceivers,
  RECEIVER_SECRETS,
  SmtpSink,
} from '../../../test/receivers/notification-receivers';
import { startReplica } from '../../../test/replica';
import { waitFor } from '../../../test/tcp-proxy';
import { notificationEvents as NOTIFICATION_EVENTS } from '@medianest/contracts';

const {
  signingSecret: SIGNING_SECRET,
  discordToken: DISCORD_TOKEN,
  slackPath: SLACK_PATH,
  ntfyToken: NTFY_TOKEN,
  smtp: SMTP,
} = RECEIVER_SECRETS;
const SECRETS = [SIGNING_SECRET, DISCORD_TOKEN, SLACK_PATH, NTFY_TOKEN, SMTP.password];

let up: Upstreams;
let t: TestApp;
let server: { url: string; close(): Promise<void> };
let webhookUrl: string;
let hooks: HttpReceivers;
let smtp: SmtpSink;
let logs: CapturedLog;
let admin: string;
let alice: { id: string; cookie: string };
let bob: { id: string; cookie: string };
let carol: { id: string; cookie: string };
const channelIds: Record<string, number> = {};

beforeAll(async () => {
  logs = captureLogs('debug');
  hooks = new HttpReceivers(SIGNING_SECRET);
  smtp = new SmtpSink(SMTP);
  await Promise.all([hooks.start(), smtp.start()]);
  up = await startUpstreams();
  t = await createTestApp({
    ...up.env,
    PUBLIC_URL: 'http://127.0.0.1:4000',
    NOTIFICATIONS_RETRY_BASE_MS: '100',
    NOTIFICATIONS_ATTEMPTS: '12',
    BREAKER_RESET_TIMEOUT_MS: '200',
  });
  server = await listen(t.app);
  webhookUrl = `${server.url}/api/v1/webhooks/overseerr`;
  up.overseerr.setWebhook(webhookUrl, FAKE_WEBHOOK_SECRET);
  await startBackgroundJobs(t.container, 'all');
  admin = await loginCookie(t.app);
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  bob = await createUser(t.app, t.container, 'bob', { email: 'bob@example.com' });
  carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com' });
});

afterAll(async () => {
  logs?.restore();
  await server?.close();
  await t?.cleanup();
  await up?.stop();
  await hooks?.stop();
  await smtp?.stop();
});

const channelInputs = () => receiverChannelInputs(hooks, smtp, RECEIVER_SECRETS);

const deliveries = () => t.container.database.db.select().from(notificationDeliveries).orderBy(notificationDeliveries.id);
const allDelivered = async (n: number) => {
  const rows = await deliveries();
  return rows.length === n && rows.every((r) => r.status === 'delivered');
};
const prefs = (cookie: string, channel: string, events: string[], address: string | null = null) =>
  request(t.app).patch(`/api/v1/notifications/preferences/${channelIds[channel]}`).set('Cookie', cookie).send({ events, address });

async function ask(tmdbId: number) {
  const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', alice.cookie).send({ mediaType: 'movie', tmdbId });
  expect(res.status).toBe(201);
  return res.body.request as { id: number; overseerrId: number };
}

describe('notification channels (admin)', () => {
  it('stores each kind with its secrets sealed, and never returns them', async () => {
    for (const [kind, input] of Object.entries(channelInputs())) {
      const res = await request(t.app).post('/api/v1/admin/notifications/channels').set('Cookie', admin).send(input);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      channelIds[kind] = res.body.channel.id;
      expect(res.body.channel).toMatchObject({ kind, enabled: true });
      for (const secret of SECRETS) expect(JSON.stringify(res.body)).not.toContain(secret);
    }
    const list = await request(t.app).get('/api/v1/admin/notifications/channels').set('Cookie', admin);
    expect(list.body.channels.map((c: { kind: string }) => c.kind)).toEqual(['ntfy', 'discord', 'slack', 'webhook', 'email']);
    expect(list.body.channels[1].secrets).toEqual({ webhookUrl: { set: true } });
    expect(list.body.channels[0].secrets).toEqual({ token: { set: true } });
    for (const secret of SECRETS) expect(JSON.stringify(list.body)).not.toContain(secret);
    // At rest: nothing readable in the table.
    const rows = await t.container.database.db.select().from(notificationChannels);
    for (const secret of [...SECRETS, 'discord/api/webhooks']) expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('keeps a secret that a change leaves out, and clears an optional one given null', async () => {
    const renamed = await request(t.app)
      .patch(`/api/v1/admin/notifications/channels/${channelIds.discord}`)
      .set('Cookie', admin)
      .send({ name: 'Discord #movies' });
    expect(renamed.body.channel).toMatchObject({ name: 'Discord #movies', secrets: { webhookUrl: { set: true } } });
    const created = await request(t.app)
      .post('/api/v1/admin/notifications/channels')
      .set('Cookie', admin)
      .send({ ...channelInputs().ntfy, name: 'spare' });
    const cleared = await request(t.app)
      .patch(`/api/v1/admin/notifications/channels/${created.body.channel.id}`)
      .set('Cookie', admin)
      .send({ secrets: { token: null } });
    expect(cleared.body.channel.secrets).toEqual({ token: { set: false } });
    expect(
      (
        await request(t.app)
          .delete(`/api/v1/admin/notifications/channels/${created.body.channel.id}`)
          .set('X-Requested-With', 'MediaNest')
          .set('Cookie', admin)
      ).status,
    ).toBe(204);
  });

  it('answers bad input with a 4xx naming the problem, and members with 403', async () => {
    const post = (body: object) => request(t.app).post('/api/v1/admin/notifications/channels').set('Cookie', admin).send(body);
    const noUrl = await post({ name: 'x', kind: 'discord', settings: {}, secrets: {} });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.error.message).toContain('webhookUrl');
    const badKind = await post({ name: 'x', kind: 'pager', settings: {} });
    expect(badKind.status).toBe(400);
    const badUrl = await post({ name: 'x', kind: 'ntfy', settings: { serverUrl: 'ftp://x', topic: 't' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.details[0].path).toBe('settings.serverUrl');
    const shortSecret = await post({
      name: 'x',
      kind: 'webhook',
      settings: {},
      secrets: { url: `${hooks.url}/hook`, signingSecret: 'short' },
    });
    expect(shortSecret.status).toBe(400);
    expect((await request(t.app).get('/api/v1/admin/notifications/channels').set('Cookie', alice.cookie)).status).toBe(403);
    expect(
      (await request(t.app).patch('/api/v1/admin/notifications/channels/999999').set('Cookie', admin).send({ name: 'y' })).status,
    ).toBe(404);
  });

  it('sends a test message per channel and answers with the result', async () => {
    // The admin's own address for e-mail.
    expect((await prefs(admin, 'email', [], 'owner@example.com')).status).toBe(200);
    // Another address than the account's own: confirmed through the link mailed to it first.
    const link = /http\S+confirm\?token=\S+/.exec(smtp.received.at(-1)!.text)![0];
    expect(smtp.received.at(-1)!.to).toBe('owner@example.com');
    expect(
      (
        await request(t.app)
          .get(new URL(link).pathname + new URL(link).search)
          .set('Cookie', admin)
      ).status,
    ).toBe(303);
    smtp.received.length = 0;
    for (const kind of ['ntfy', 'discord', 'slack', 'webhook', 'email']) {
      const res = await request(t.app)
        .post(`/api/v1/admin/notifications/channels/${channelIds[kind]}/test`)
        .set('X-Requested-With', 'MediaNest')
        .set('Cookie', admin);
      expect(res.status).toBe(200);
      expect(res.body.result, kind).toMatchObject({ delivered: true });
    }
    expect(hooks.of('ntfy')[0]!.body).toMatchObject({ topic: 'medianest-house', title: 'MediaNest test notification' });
    expect(hooks.of('ntfy')[0]!.headers.authorization).toBe(`Bearer ${NTFY_TOKEN}`);
    expect(hooks.of('discord')[0]!.path).toBe(`/discord/api/webhooks/1234/${DISCORD_TOKEN}`);
    expect(hooks.of('slack')[0]!.body.text).toContain('MediaNest test notification');
    // The receiver verified the signature (a bad one is refused with 401 and not recorded).
    expect(hooks.of('webhook')[0]!.body).toMatchObject({ event: 'test', title: 'MediaNest test notification' });
    expect(hooks.refused).toEqual([]);
    expect(smtp.received[0]).toMatchObject({ to: 'owner@example.com', subject: 'MediaNest test notification' });
    expect(smtp.received[0]!.from).toContain('medianest@example.com');

    // A channel that cannot deliver says why, without its secrets.
    const broken = await request(t.app)
      .post('/api/v1/admin/notifications/channels')
      .set('Cookie', admin)
      .send({
        name: 'Wrong secret',
        kind: 'webhook',
        settings: {},
        secrets: { url: `${hooks.url}/hook`, signingSecret: 'another-secret-0123456789' },
      });
    const res = await request(t.app)
      .post(`/api/v1/admin/notifications/channels/${broken.body.channel.id}/test`)
      .set('X-Requested-With', 'MediaNest')
      .set('Cookie', admin);
    expect(res.body.result.delivered).toBe(false);
    expect(res.body.result.error).toContain('401');
    expect(hooks.refused).toEqual(['bad signature']);
    await request(t.app)
      .delete(`/api/v1/admin/notifications/channels/${broken.body.channel.id}`)
      .set('X-Requested-With', 'MediaNest')
      .set('Cookie', admin);
  });
});

describe('member choices, follows and delivery', () => {
  it('lets a member choose events per channel, with their own address where it applies', async () => {
    const initial = await request(t.app).get('/api/v1/notifications/preferences').set('Cookie', alice.cookie);
    expect(initial.body.events).toEqual([...NOTIFICATION_EVENTS]);
    expect(initial.body.channels.find((c: { kind: string }) => c.kind === 'email')).toMatchObject({
      addressKind: 'email',
      defaultAddress: 'alice@example.com',
      events: [],
    });
    for (const kind of ['ntfy', 'discord', 'slack', 'webhook', 'email'])
      expect((await prefs(alice.cookie, kind, [...NOTIFICATION_EVENTS])).status).toBe(200);
    expect((await prefs(bob.cookie, 'ntfy', ['followed.available'], 'medianest-bob')).status).toBe(200);
    expect((await prefs(bob.cookie, 'email', ['followed.available'])).status).toBe(200);
    expect((await prefs(carol.cookie, 'discord', ['followed.available'])).status).toBe(200);

    expect((await prefs(bob.cookie, 'ntfy', ['followed.available'], 'not a topic!')).status).toBe(400);
    expect((await prefs(bob.cookie, 'email', ['followed.available'], 'nope')).status).toBe(400);
    expect((await prefs(bob.cookie, 'discord', ['request.exploded'])).status).toBe(400);
  });

  it('tells the requester and each follower exactly once, however often the webhook repeats', async () => {
    hooks.received.length = 0;
    smtp.received.length = 0;
    const ours = await ask(27205);
    // Bob and Carol follow the title Alice requested ("Already requested" on Discover), without learning who asked.
    const byTitle = '/api/v1/notifications/follows/title/movie/27205';
    for (const member of [bob, carol]) {
      const state = await request(t.app).get(byTitle).set('Cookie', member.cookie);
      expect(state.body).toMatchObject({ following: false, request: { id: ours.id, title: 'Inception', requestedBy: null, mine: false } });
      const followed = await request(t.app).post(byTitle).set('X-Requested-With', 'MediaNest').set('Cookie', member.cookie);
      expect(followed.body).toMatchObject({ following: true });
    }
    await request(t.app).post(byTitle).set('X-Requested-With', 'MediaNest').set('Cookie', bob.cookie); // twice is still once
    expect((await request(t.app).get(byTitle).set('Cookie', bob.cookie)).body.followers).toBe(2);
    // By id, someone else's request is not there for a member (as its page answers): ids cannot be walked.
    for (const path of [`/api/v1/notifications/follows/${ours.id}`, `/api/v1/media/requests/${ours.id}`]) {
      const walked = await request(t.app).get(path).set('Cookie', bob.cookie);
      expect(walked.status).toBe(404);
      expect(JSON.stringify(walked.body)).not.toMatch(/alice|Inception/);
    }
    expect(
      (await request(t.app).post(`/api/v1/notifications/follows/${ours.id}`).set('X-Requested-With', 'MediaNest').set('Cookie', bob.cookie))
        .status,
    ).toBe(404);
    // The requester (and an administrator) still see it by id, with who made it.
    expect((await request(t.app).get(`/api/v1/notifications/follows/${ours.id}`).set('Cookie', alice.cookie)).body).toMatchObject({
      request: { requestedBy: 'alice', mine: true },
      followers: 2,
    });
    expect((await request(t.app).get('/api/v1/notifications/follows/title/movie/99999').set('Cookie', bob.cookie)).status).toBe(404);
    expect((await request(t.app).get('/api/v1/notifications/follows/title/book/27205').set('Cookie', bob.cookie)).status).toBe(400);

    expect(await up.overseerr.approve(ours.overseerrId)).toBe(200);
    await waitFor(() => allDelivered(5), 20_000);
    expect(await up.overseerr.markAvailable(ours.overseerrId)).toBe(200);
    // Alice: approved + available on 5 channels; Bob: ntfy + e-mail; Carol: Discord.
    await waitFor(() => allDelivered(13), 20_000);

    // Overseerr (or a proxy) repeats the webhook; another replica sees the same change.
    const payload = up.overseerr.webhookPayload('MEDIA_AVAILABLE', ours.overseerrId);
    for (let i = 0; i < 3; i++) expect(await up.overseerr.sendWebhook(payload)).toBe(200);
    const again = await t.container.notifications.planner.plan({
      requestId: ours.id,
      userId: alice.id,
      mediaType: 'movie',
      tmdbId: 27205,
      title: 'Inception',
      status: 'available',
      previousStatus: 'processing',
    });
    expect(again).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await deliveries()).length).toBe(13);

    const ntfy = hooks.of('ntfy');
    expect(ntfy.filter((m) => m.body.topic === 'medianest-house').map((m) => m.body.title)).toEqual([
      'Approved: Inception',
      'Ready to watch: Inception',
    ]);
    expect(ntfy.filter((m) => m.body.topic === 'medianest-bob').map((m) => m.body.message)).toEqual([
      '"Inception", a request you follow, is now available on Plex.',
    ]);
    expect(ntfy.every((m) => m.body.click === `http://127.0.0.1:4000/requests/${ours.id}`)).toBe(true);
    expect(hooks.of('discord').length).toBe(3); // Alice ×2, Carol ×1
    expect(hooks.of('slack').map((m) => String(m.body.text).split('\n')[0])).toEqual([
      '*Approved: Inception*',
      '*Ready to watch: Inception*',
    ]);
    const signed = hooks.of('webhook');
    expect(signed.map((m) => m.body.event)).toEqual(['request.approved', 'request.available']);
    expect(signed[1]!.body).toMatchObject({
      request: { id: ours.id, title: 'Inception', status: 'available' },
      recipient: { username: 'alice' },
    });
    expect(new Set(signed.map((m) => m.headers['x-medianest-delivery'])).size).toBe(2);
    expect(smtp.received.map((m) => `${m.to} ${m.subject}`).sort()).toEqual([
      'alice@example.com Approved: Inception',
      'alice@example.com Ready to watch: Inception',
      'bob@example.com Ready to watch: Inception',
    ]);
  });

  it('keeps retrying while a channel is down and delivers everything once it is back', async () => {
    hooks.received.length = 0;
    smtp.received.length = 0;
    const kinds = ['ntfy', 'discord', 'slack', 'webhook', 'email'];
    const retrying = (channel: string) => registrySum('medianest_notifications_total', { channel, outcome: 'retrying' });
    const retryingBefore = await Promise.all(kinds.map(retrying));
    hooks.setDown(true);
    await smtp.stop();
    const before = (await deliveries()).length;
    const declined = await ask(550);
    // The webhook is answered while every channel is down: it only queues the messages.
    expect(await up.overseerr.decline(declined.overseerrId)).toBe(200);
    // Every channel kind fails at least once and keeps its message pending, with the reason.
    await waitFor(async () => (await Promise.all(kinds.map(retrying))).every((n, i) => n > retryingBefore[i]!), 20_000);
    await waitFor(async () => {
      const pending = (await deliveries()).slice(before);
      return pending.length === 5 && pending.every((d) => d.status === 'pending' && d.attempts >= 1 && d.lastError !== null);
    }, 20_000);
    expect(smtp.received).toEqual([]);

    hooks.setDown(false);
    await smtp.start();
    await waitFor(() => allDelivered(before + 5), 40_000);
    expect(hooks.of('ntfy').length + hooks.of('discord').length + hooks.of('slack').length + hooks.of('webhook').length).toBe(4);
    expect(smtp.received.map((m) => m.subject)).toEqual(['Declined: Fight Club']);
  });

  it('sends one message per member and channel when two replicas race on a repeated webhook', async () => {
    const replica = await startReplica(t, webhookUrl);
    try {
      hooks.received.length = 0;
      smtp.received.length = 0;
      const before = (await deliveries()).length;
      const failed = await ask(155);
      // The request fails in Overseerr; its webhook then reaches both replicas at once, twice each.
      up.overseerr.silentlySet(failed.overseerrId, 4);
      const payload = up.overseerr.webhookPayload('MEDIA_FAILED', failed.overseerrId);
      const answers = await Promise.all(
        [webhookUrl, replica.webhookUrl, webhookUrl, replica.webhookUrl].map((url) =>
          up.overseerr.sendWebhook(payload, { url, authorization: FAKE_WEBHOOK_SECRET }),
        ),
      );
      expect(answers).toEqual([200, 200, 200, 200]);
      await waitFor(() => allDelivered(before + 5), 20_000);
      await replica.settle();
      expect((await deliveries()).length).toBe(before + 5);
      for (const kind of ['ntfy', 'discord', 'slack', 'webhook'] as const)
        expect(
          hooks.of(kind).map((m) => m.channel),
          kind,
        ).toEqual([kind]);
      expect(smtp.received.map((m) => m.subject)).toEqual(['Failed: The Dark Knight']);
    } finally {
      await replica.close();
    }
  });

  it('drops a queued message when the admin turns its channel off before it went out', async () => {
    hooks.received.length = 0;
    hooks.setDown(true);
    const before = (await deliveries()).length;
    const summary = await request(t.app).get('/api/v1/media/requests').set('Cookie', alice.cookie);
    const darkKnight = (summary.body.requests as { id: number; title: string }[]).find((r) => r.title === 'The Dark Knight')!;
    const planned = await t.container.notifications.planner.plan({
      requestId: darkKnight.id,
      userId: alice.id,
      mediaType: 'movie',
      tmdbId: 155,
      title: 'The Dark Knight',
      status: 'approved',
      previousStatus: 'pending',
    });
    expect(planned).toBe(5);
    const discordRow = async () => (await deliveries()).slice(before).find((d) => d.channelId === channelIds.discord)!;
    await waitFor(async () => (await discordRow()).attempts >= 1, 20_000);
    expect(
      (
        await request(t.app)
          .patch(`/api/v1/admin/notifications/channels/${channelIds.discord}`)
          .set('Cookie', admin)
          .send({ enabled: false })
      ).status,
    ).toBe(200);
    // Ended at once, not at its next retry (which the backoff may put many seconds away).
    expect(await discordRow()).toMatchObject({ status: 'failed', lastError: 'The channel was turned off' });
    // An attempt that was already under way when the channel was turned off ends while Discord is still down: it
    // checked before the change was saved. Every later attempt finds the message ended and sends nothing.
    const discordLaneIdle = async () => (await t.container.jobs.snapshot()).find((q) => q.queue === 'notify-discord')?.active === 0;
    await waitFor(discordLaneIdle, 20_000);
    hooks.setDown(false);
    // The other channels deliver at their next retry: on a busy machine the backoff (doubling from 100 ms) can be 25 s away.
    await waitFor(async () => (await deliveries()).slice(before).filter((d) => d.status === 'delivered').length === 4, 60_000);
    expect(hooks.of('discord')).toEqual([]);
    await request(t.app).patch(`/api/v1/admin/notifications/channels/${channelIds.discord}`).set('Cookie', admin).send({ enabled: true });
  }, 90_000);

  it('counts deliveries and their latency per channel kind', async () => {
    for (const channel of ['ntfy', 'discord', 'slack', 'webhook', 'email']) {
      expect(await registrySum('medianest_notifications_total', { channel, outcome: 'delivered' }), channel).toBeGreaterThanOrEqual(3);
      expect(
        await registrySum('medianest_notification_delivery_seconds', { channel }, 'medianest_notification_delivery_seconds_count'),
        channel,
      ).toBeGreaterThanOrEqual(3);
    }
    expect(
      await registrySum('medianest_notifications_total', { channel: 'discord', event: 'followed.available', outcome: 'delivered' }),
    ).toBe(1);
  });

  it('never writes a channel secret to a log line', () => {
    const text = logs.text();
    expect(text).toContain('notifications.delivery.failed');
    // The failed Discord call was logged with its URL — minus the token in its path.
    const discordFailure = logs.lines.find((l) => l.event === 'upstream.failed' && l.upstream === 'notify-discord');
    expect(String(discordFailure?.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\[REDACTED\]$/);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
