import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundJobs } from '../../background-jobs';
import { InProcessJobQueue } from '../../jobs/in-process-queue';
import { BreakerRegistry } from '../../resilience/breakers';
import { notificationDeliveries, pushSubscriptions, settings } from '../../db/schema';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { FAKE_WEBHOOK_SECRET, listen, startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { captureLogs, registrySum, type CapturedLog } from '../../../test/metrics-helpers';
import { WebPushReceiver, type BrowserSubscription } from '../../../test/receivers/web-push-receiver';
import { waitFor } from '../../../test/tcp-proxy';
import { createNotifications } from './create-notifications';
import { MAX_PUSH_DEVICES, PUSH_GONE_KEEP_MS } from './push-devices.service';
import { loadOrCreateKey, SecretBox } from './secret-box';

const PUBLIC_URL = 'http://127.0.0.1:4000';
const SUBJECT = 'mailto:owner@example.com';

let up: Upstreams;
let t: TestApp;
let server: { url: string; close(): Promise<void> };
let push: WebPushReceiver;
let logs: CapturedLog;
let admin: string;
let alice: { id: string; cookie: string };
let bob: { id: string; cookie: string };
let channelId: number;
let publicKey: string;
const browsers: Record<'phone' | 'laptop' | 'adminDesktop', BrowserSubscription> = {} as never;

beforeAll(async () => {
  logs = captureLogs('debug');
  push = new WebPushReceiver();
  await push.start();
  up = await startUpstreams();
  t = await createTestApp({
    ...up.env,
    PUBLIC_URL,
    NOTIFICATIONS_RETRY_BASE_MS: '100',
    NOTIFICATIONS_ATTEMPTS: '12',
    BREAKER_RESET_TIMEOUT_MS: '200',
    // The local push service listens on 127.0.0.1 over plain http: allowed only by this explicit opt-in.
    WEB_PUSH_ALLOW_LOOPBACK: 'true',
  });
  server = await listen(t.app);
  up.overseerr.setWebhook(`${server.url}/api/v1/webhooks/overseerr`, FAKE_WEBHOOK_SECRET);
  await startBackgroundJobs(t.container, 'all');
  admin = await loginCookie(t.app);
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  bob = await createUser(t.app, t.container, 'bob', { email: 'bob@example.com' });
  browsers.phone = push.subscribe();
  browsers.laptop = push.subscribe();
  browsers.adminDesktop = push.subscribe();
});

afterAll(async () => {
  logs?.restore();
  await server?.close();
  await t?.cleanup();
  await up?.stop();
  await push?.stop();
});

const state = (cookie: string) => request(t.app).get('/api/v1/notifications/push').set('Cookie', cookie);
const subscribe = (cookie: string, subscription: object, label?: string) =>
  request(t.app)
    .post('/api/v1/notifications/push/subscriptions')
    .set('Cookie', cookie)
    .send({ ...subscription, expirationTime: null, ...(label ? { label } : {}) });
const deliveries = () => t.container.database.db.select().from(notificationDeliveries).orderBy(notificationDeliveries.id);
const sendTest = () =>
  request(t.app).post(`/api/v1/admin/notifications/channels/${channelId}/test`).set('X-Requested-With', 'MediaNest').set('Cookie', admin);

/** A status change of one of Alice's requests, as the Overseerr webhook or the sync job reports it. */
const change = (requestId: number, status: 'approved' | 'available' | 'declined' | 'failed', title = 'Inception') =>
  t.container.notifications.planner.plan({
    requestId,
    userId: alice.id,
    mediaType: 'movie',
    tmdbId: 27205,
    title,
    status,
    previousStatus: 'pending',
  });

describe('Web Push setup', () => {
  it('offers no key and refuses subscriptions until the admin adds a Web Push channel', async () => {
    expect((await state(alice.cookie)).body).toEqual({ publicKey: null, devices: [] });
    const early = await subscribe(alice.cookie, browsers.phone);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('not set up');
  });

  it('lets the admin add one Web Push channel with a VAPID contact, and generates the key pair once', async () => {
    const post = (body: object) => request(t.app).post('/api/v1/admin/notifications/channels').set('Cookie', admin).send(body);
    const badSubject = await post({ name: 'Browsers', kind: 'webpush', settings: { subject: 'owner@example.com' } });
    expect(badSubject.status).toBe(400);
    expect(badSubject.body.error.details[0].path).toBe('settings.subject');
    const created = await post({ name: 'Browsers', kind: 'webpush', settings: { subject: SUBJECT } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.channel).toMatchObject({ kind: 'webpush', settings: { subject: SUBJECT }, secrets: {} });
    channelId = created.body.channel.id;
    expect((await post({ name: 'Second', kind: 'webpush', settings: { subject: SUBJECT } })).status).toBe(409);

    const first = await state(alice.cookie);
    publicKey = first.body.publicKey;
    // An uncompressed P-256 point, base64url: what pushManager.subscribe takes as applicationServerKey.
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect((await state(bob.cookie)).body.publicKey).toBe(publicKey);

    // Stored once; the private half only sealed.
    const rows = await t.container.database.db.select().from(settings);
    const vapid = rows.filter((r) => r.key.includes('webpush'));
    expect(vapid).toHaveLength(1);
    const stored = JSON.parse(vapid[0]!.value) as { publicKey: string; privateKey: string };
    expect(stored.publicKey).toBe(publicKey);
    expect(stored.privateKey).toMatch(/^v1\./);
    const privateKey = new SecretBox(loadOrCreateKey(t.config.NOTIFICATIONS_SECRET_KEY, t.config.dataDir)).open(stored.privateKey);
    expect(Buffer.from(privateKey, 'base64url')).toHaveLength(32);
    expect(JSON.stringify(first.body)).not.toContain(privateKey);
  });
});

describe('subscribing browsers', () => {
  it('keeps several devices per member and never hands their endpoint or keys back', async () => {
    const phone = await subscribe(alice.cookie, browsers.phone, 'Firefox on Android');
    expect(phone.status, JSON.stringify(phone.body)).toBe(201);
    expect(phone.body.device).toMatchObject({ label: 'Firefox on Android' });
    const laptop = await subscribe(alice.cookie, browsers.laptop, 'Chrome on Linux');
    expect(laptop.body.devices.map((d: { label: string }) => d.label)).toEqual(['Firefox on Android', 'Chrome on Linux']);
    // Subscribing the same browser again changes nothing.
    expect((await subscribe(alice.cookie, browsers.laptop, 'Chrome on Linux')).body.devices).toHaveLength(2);
    const text = JSON.stringify((await state(alice.cookie)).body);
    for (const b of [browsers.phone, browsers.laptop]) {
      expect(text).not.toContain(new URL(b.endpoint).pathname);
      expect(text).not.toContain(b.keys.auth);
    }
    // At rest: the keys are sealed.
    const rows = await t.container.database.db.select().from(pushSubscriptions);
    for (const b of [browsers.phone, browsers.laptop]) expect(JSON.stringify(rows)).not.toContain(b.keys.auth);
    // Another member cannot remove Alice's devices.
    const other = await request(t.app)
      .delete(`/api/v1/notifications/push/subscriptions/${phone.body.device.id}`)
      .set('X-Requested-With', 'MediaNest')
      .set('Cookie', bob.cookie);
    expect(other.status).toBe(404);
  });

  it('answers a malformed subscription with a 400 naming the field', async () => {
    const bad = async (subscription: object) => {
      const res = await subscribe(bob.cookie, subscription);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return (res.body.error.details as { path: string }[]).map((d) => d.path);
    };
    const fresh = push.subscribe();
    expect(await bad({ ...fresh, endpoint: 'http://push.example.com/wpush/abc' })).toEqual(['endpoint']);
    expect(await bad({ ...fresh, endpoint: 'not a url' })).toEqual(['endpoint']);
    expect(await bad({ ...fresh, keys: { ...fresh.keys, p256dh: fresh.keys.auth } })).toEqual(['keys.p256dh']);
    expect(await bad({ ...fresh, keys: { p256dh: fresh.keys.p256dh } })).toEqual(['keys.auth']);
    expect((await state(bob.cookie)).body.devices).toEqual([]);
  });

  it('refuses an 11th device, but not a browser subscribing again', async () => {
    const carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com' });
    const first = push.subscribe();
    for (let i = 0; i < MAX_PUSH_DEVICES; i++) expect((await subscribe(carol.cookie, i === 0 ? first : push.subscribe())).status).toBe(201);
    const more = await subscribe(carol.cookie, push.subscribe());
    expect(more.status).toBe(409);
    expect(more.body.error.message).toContain('remove one first');
    expect((await subscribe(carol.cookie, first)).status).toBe(201);
  });
});

describe('delivery through the push service', () => {
  it('sends the admin a test on their own devices, encrypted for the browser and signed with the VAPID key', async () => {
    const none = await sendTest();
    expect(none.body.result).toMatchObject({ delivered: false });
    expect(none.body.result.error).toContain('no device subscribed');

    expect((await subscribe(admin, browsers.adminDesktop, 'Edge on Windows')).status).toBe(201);
    const res = await sendTest();
    expect(res.body.result, JSON.stringify(res.body)).toMatchObject({ delivered: true });
    expect(push.refused).toEqual([]);
    const [received] = push.to(browsers.adminDesktop.endpoint);
    // The receiver decrypted it with the subscription's private key and auth secret.
    expect(received!.payload).toMatchObject({ title: 'MediaNest test notification', link: PUBLIC_URL, event: 'test' });
    expect(String(received!.payload.body)).toContain('Browsers');
    expect(received!.claims).toMatchObject({ aud: push.url, sub: SUBJECT });
    expect(received!.vapidPublicKey).toBe(publicKey);
    expect(received!.ttl).toBeGreaterThan(0);
    expect(push.to(browsers.phone.endpoint)).toEqual([]);
  });

  it('tells a member on every subscribed device when their request changes', async () => {
    expect(
      (
        await request(t.app)
          .patch(`/api/v1/notifications/preferences/${channelId}`)
          .set('Cookie', alice.cookie)
          .send({ events: ['request.approved', 'request.available', 'request.declined', 'request.failed'], address: null })
      ).status,
    ).toBe(200);
    const asked = await request(t.app)
      .post('/api/v1/media/requests')
      .set('Cookie', alice.cookie)
      .send({ mediaType: 'movie', tmdbId: 27205 });
    expect(asked.status).toBe(201);
    expect(await up.overseerr.approve(asked.body.request.overseerrId)).toBe(200);
    await waitFor(async () => (await deliveries()).some((d) => d.status === 'delivered'), 20_000);
    for (const device of [browsers.phone, browsers.laptop]) {
      expect(push.to(device.endpoint).map((m) => m.payload)).toEqual([
        {
          id: expect.any(String),
          event: 'request.approved',
          title: 'Approved: Inception',
          body: 'Your request for the movie "Inception" was approved. You will hear when it is ready to watch.',
          link: `${PUBLIC_URL}/requests/${asked.body.request.id}`,
        },
      ]);
    }
    expect(push.refused).toEqual([]);
  });

  it('keeps retrying while the push service is down and delivers once it is back, to each device once', async () => {
    const retryingBefore = await registrySum('medianest_notifications_total', { channel: 'webpush', outcome: 'retrying' });
    push.setDown(true);
    const before = (await deliveries()).length;
    expect(await change(9001, 'declined')).toBe(1);
    await waitFor(async () => {
      const [row] = (await deliveries()).slice(before);
      return row !== undefined && row.status === 'pending' && row.attempts >= 2 && /503/.test(row.lastError ?? '');
    }, 20_000);
    expect(await registrySum('medianest_notifications_total', { channel: 'webpush', outcome: 'retrying' })).toBeGreaterThan(retryingBefore);
    push.setDown(false);
    await waitFor(async () => (await deliveries()).slice(before)[0]!.status === 'delivered', 20_000);
    for (const device of [browsers.phone, browsers.laptop])
      expect(push.to(device.endpoint).filter((m) => m.payload.event === 'request.declined')).toHaveLength(1);

    // Only the laptop's push service is down: the phone gets it at once, the laptop on a retry, neither twice.
    push.setDown([browsers.laptop.endpoint]);
    const next = (await deliveries()).length;
    expect(await change(9002, 'failed', 'Fight Club')).toBe(1);
    await waitFor(async () => push.to(browsers.phone.endpoint).some((m) => m.payload.event === 'request.failed'), 20_000);
    await waitFor(async () => (await deliveries()).slice(next)[0]!.attempts >= 2, 20_000);
    push.setDown(false);
    await waitFor(async () => (await deliveries()).slice(next)[0]!.status === 'delivered', 20_000);
    for (const device of [browsers.phone, browsers.laptop])
      expect(push.to(device.endpoint).filter((m) => m.payload.title === 'Failed: Fight Club')).toHaveLength(1);
  });

  it('stops pushing to a subscription the push service says is gone (410), without telling the member when', async () => {
    push.expire(browsers.phone.endpoint);
    const before = (await deliveries()).length;
    expect(await change(9003, 'available', 'The Matrix')).toBe(1);
    await waitFor(async () => (await deliveries()).slice(before)[0]!.status === 'delivered', 20_000);
    expect(push.to(browsers.laptop.endpoint).filter((m) => m.payload.title === 'Ready to watch: The Matrix')).toHaveLength(1);
    // The list still shows both browsers: it says what the member subscribed, not what a push service answered.
    expect((await state(alice.cookie)).body.devices.map((d: { label: string }) => d.label)).toEqual([
      'Firefox on Android',
      'Chrome on Linux',
    ]);
    expect(logs.lines.some((l) => l.event === 'notifications.push.expired' && l.user_id === alice.id)).toBe(true);
    const phoneCalls = push.calls.filter((e) => e === browsers.phone.endpoint).length;

    // The last device goes too: the message fails at once, after one attempt, and is not retried. It is
    // counted as expired, not failed: the channel works, the member just has no browser left.
    const failedBefore = await registrySum('medianest_notifications_total', { channel: 'webpush', outcome: 'failed' });
    const expiredBefore = await registrySum('medianest_notifications_total', { channel: 'webpush', outcome: 'expired' });
    push.expire(browsers.laptop.endpoint);
    const last = (await deliveries()).length;
    expect(await change(9004, 'approved', 'Heat')).toBe(1);
    await waitFor(async () => (await deliveries()).slice(last)[0]!.status === 'failed', 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const [row] = (await deliveries()).slice(last);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.lastError).toContain('expired');
    expect(await registrySum('medianest_notifications_total', { channel: 'webpush', outcome: 'expired' })).toBe(expiredBefore + 1);
    expect(await registrySum('medianest_notifications_total', { channel: 'webpush', outcome: 'failed' })).toBe(failedBefore);
    // Only the laptop was asked about "Heat": the phone, gone before, was not called again.
    expect(push.calls.filter((e) => e === browsers.phone.endpoint)).toHaveLength(phoneCalls);
    expect((await state(alice.cookie)).body.devices).toHaveLength(2);

    // A week later the sweep prunes them.
    await t.container.database.db
      .update(pushSubscriptions)
      .set({ goneAt: new Date(Date.now() - PUSH_GONE_KEEP_MS - 60_000) })
      .where(eq(pushSubscriptions.userId, alice.id));
    await t.container.notifications.delivery.sweep(60_000);
    expect((await state(alice.cookie)).body.devices).toEqual([]);
  });

  it('removes the device a member unsubscribes in their browser', async () => {
    const fresh = push.subscribe();
    expect((await subscribe(bob.cookie, fresh, 'Safari on iPhone')).body.devices).toHaveLength(1);
    // Alice cannot unsubscribe Bob's browser by its endpoint.
    await request(t.app).post('/api/v1/notifications/push/unsubscribe').set('Cookie', alice.cookie).send({ endpoint: fresh.endpoint });
    expect((await state(bob.cookie)).body.devices).toHaveLength(1);
    const gone = await request(t.app)
      .post('/api/v1/notifications/push/unsubscribe')
      .set('Cookie', bob.cookie)
      .send({ endpoint: fresh.endpoint });
    expect(gone.body.devices).toEqual([]);
  });

  it('counts deliveries and their latency for the webpush kind, and calls through its breaker', async () => {
    expect(await registrySum('medianest_notifications_total', { channel: 'webpush', outcome: 'delivered' })).toBeGreaterThanOrEqual(5);
    expect(
      await registrySum('medianest_notification_delivery_seconds', { channel: 'webpush' }, 'medianest_notification_delivery_seconds_count'),
    ).toBeGreaterThanOrEqual(5);
    expect(
      await registrySum(
        'medianest_external_api_duration_seconds',
        { service: 'notify-webpush', operation: 'send', status: 'success' },
        'medianest_external_api_duration_seconds_count',
      ),
    ).toBeGreaterThanOrEqual(6);
    expect(
      await registrySum(
        'medianest_external_api_duration_seconds',
        { service: 'notify-webpush', status: 'client_error' },
        'medianest_external_api_duration_seconds_count',
      ),
    ).toBeGreaterThanOrEqual(2);
  });

  it('never writes the VAPID private key, an endpoint token, a browser key or a VAPID token to a log line', async () => {
    const stored = JSON.parse((await t.container.database.db.select().from(settings)).find((r) => r.key.includes('webpush'))!.value) as {
      privateKey: string;
    };
    const privateKey = new SecretBox(loadOrCreateKey(t.config.NOTIFICATIONS_SECRET_KEY, t.config.dataDir)).open(stored.privateKey);
    const text = logs.text();
    expect(text).toContain('notifications.delivery.failed');
    const failure = logs.lines.find((l) => l.event === 'upstream.failed' && l.upstream === 'notify-webpush');
    expect(String(failure?.url)).toBe(`${push.url}[REDACTED]`);
    const secrets = [
      privateKey,
      ...Object.values(browsers).flatMap((b) => [new URL(b.endpoint).pathname, b.keys.auth]),
      ...push.received.map((m) => m.token),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

/** The headers web-push computed, minus Content-Length (fetch sets it). */
const withoutLength = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([k]) => k.toLowerCase() !== 'content-length')
      .map(([k, v]) => [k, String(v)]),
  );

describe('the test push service', () => {
  it('refuses a message it cannot decrypt or whose VAPID signature does not match its key', async () => {
    const one = push.subscribe();
    const two = push.subscribe();
    const vapid = webpush.generateVAPIDKeys();
    const options = { vapidDetails: { subject: SUBJECT, ...vapid }, contentEncoding: 'aes128gcm' as const };
    const send = async (endpoint: string, details: ReturnType<typeof webpush.generateRequestDetails>) =>
      (await fetch(endpoint, { method: 'POST', headers: withoutLength(details.headers), body: new Uint8Array(details.body!) })).status;
    // Encrypted for another browser.
    expect(await send(two.endpoint, webpush.generateRequestDetails(one, '{"title":"x"}', options))).toBe(400);
    // Signed by another key than the one named in k=.
    const forged = webpush.generateRequestDetails(one, '{"title":"x"}', options);
    const other = webpush.generateVAPIDKeys();
    forged.headers.Authorization = String(forged.headers.Authorization).replace(/k=[\w-]+/, `k=${other.publicKey}`);
    expect(await send(one.endpoint, forged)).toBe(401);
    expect(push.refused.slice(-2)).toEqual([expect.stringContaining('cannot decrypt'), 'bad jwt signature']);
    // And accepts what web-push sends.
    expect(await send(one.endpoint, webpush.generateRequestDetails(one, '{"title":"ok"}', options))).toBe(201);
    expect(push.to(one.endpoint).map((m) => m.payload)).toEqual([{ title: 'ok' }]);
  });
});

describe('a changed NOTIFICATIONS_SECRET_KEY', () => {
  it('replaces the key pair it cannot decrypt and forgets the subscriptions made for the old one', async () => {
    expect((await subscribe(bob.cookie, push.subscribe(), 'Firefox on Linux')).status).toBe(201);
    const stored = (await t.container.database.db.select().from(pushSubscriptions)).length;
    const jobs = new InProcessJobQueue();
    const breakers = new BreakerRegistry();
    const rekeyed = createNotifications({
      config: { ...t.config, NOTIFICATIONS_SECRET_KEY: randomBytes(32).toString('hex') },
      database: t.container.database,
      breakers,
      jobs,
    });
    try {
      const bobUser = (await t.container.users.findById(bob.id))!;
      const after = await rekeyed.push.pushState(bobUser);
      expect(after.devices).toEqual([]);
      expect(after.publicKey).not.toBe(publicKey);
      expect(Buffer.from(after.publicKey!, 'base64url')).toHaveLength(65);
      expect((await rekeyed.push.pushState(bobUser)).publicKey).toBe(after.publicKey);
      // Every stored subscription, by the one process that replaced the pair.
      expect(logs.lines.filter((l) => l.event === 'notifications.push.keys_replaced').map((l) => l.subscriptions_removed)).toEqual([
        stored,
      ]);
      expect(await t.container.database.db.select().from(pushSubscriptions)).toEqual([]);
    } finally {
      await jobs.close();
      breakers.close();
    }
  });
});
