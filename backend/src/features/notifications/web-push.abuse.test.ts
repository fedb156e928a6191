/**
 * Web Push as an attacking member would use it: endpoints pointing inside the network, another
 * member's browser, a path chosen to blank access lines, one failing push service. The tests' push
 * services listen on 127.0.0.1 (WEB_PUSH_ALLOW_LOOPBACK, the explicit opt-in); every refused
 * address below is refused on its form, never by sending to it.
 */
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { pushSubscriptions } from '../../db/schema';
import { redactText, scrubJsonLine } from '../../observability/redact';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { captureLogs, type CapturedLog } from '../../../test/metrics-helpers';
import { WebPushReceiver } from '../../../test/receivers/web-push-receiver';
import { waitFor } from '../../../test/tcp-proxy';
import type { User } from '../users/user';

let t: TestApp;
let logs: CapturedLog;
let serviceA: WebPushReceiver;
let serviceB: WebPushReceiver;
let admin: string;
let alice: { id: string; cookie: string };
let bob: { id: string; cookie: string };
let channelId: number;

beforeAll(async () => {
  logs = captureLogs('debug');
  serviceA = new WebPushReceiver();
  serviceB = new WebPushReceiver();
  await Promise.all([serviceA.start(), serviceB.start()]);
  t = await createTestApp({
    WEB_PUSH_ALLOW_LOOPBACK: 'true',
    // An open breaker stays open for the whole test: what another push service's members see meanwhile.
    BREAKER_RESET_TIMEOUT_MS: '600000',
  });
  admin = await loginCookie(t.app);
  alice = await createUser(t.app, t.container, 'alice');
  bob = await createUser(t.app, t.container, 'bob');
  const created = await request(t.app)
    .post('/api/v1/admin/notifications/channels')
    .set('Cookie', admin)
    .send({ name: 'Browsers', kind: 'webpush', settings: { subject: 'mailto:owner@example.com' } });
  expect(created.status).toBe(201);
  channelId = created.body.channel.id;
});

afterAll(async () => {
  logs?.restore();
  await t?.cleanup();
  await serviceA?.stop();
  await serviceB?.stop();
});

const subscribe = (cookie: string, subscription: object) =>
  request(t.app)
    .post('/api/v1/notifications/push/subscriptions')
    .set('Cookie', cookie)
    .send({ ...subscription, expirationTime: null });
const devices = async (cookie: string) =>
  ((await request(t.app).get('/api/v1/notifications/push').set('Cookie', cookie)).body.devices as { id: number }[]).length;
const userOf = async (id: string) => (await t.container.users.findById(id)) as User;
/** A message to every device of one member, now (the admin's test message, sent as that member). */
const pushTo = async (id: string) => t.container.notifications.channels.sendTest(channelId, await userOf(id));

describe('push endpoints members give', () => {
  it('refuses endpoints inside the network or off the push services, naming the field', async () => {
    const keys = serviceA.subscribe().keys;
    for (const endpoint of [
      'https://10.0.0.7/wpush/v2/abc',
      'https://169.254.169.254/latest/meta-data/iam',
      'https://[::ffff:a9fe:a9fe]/latest',
      'https://[fd00::1]/wpush',
      'https://100.64.0.1/wpush',
      'https://0x0a000001/wpush',
      'https://push.example.com/wpush/v2/abc',
      'https://fcm.googleapis.com:8443/fcm/send/abc',
      'https://user:pass@fcm.googleapis.com/fcm/send/abc',
    ]) {
      const res = await subscribe(alice.cookie, { endpoint, keys });
      expect(res.status, endpoint).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['endpoint']);
    }
    expect(await devices(alice.cookie)).toBe(0);
  });

  it('refuses the loopback opt-in outside tests', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', WEB_PUSH_ALLOW_LOOPBACK: 'true' })).toThrow(/tests only/);
    expect(() => loadConfig({ NODE_ENV: 'development', WEB_PUSH_ALLOW_LOOPBACK: 'true' })).toThrow(/tests only/);
    expect(loadConfig({ NODE_ENV: 'production' }).WEB_PUSH_ALLOW_LOOPBACK).toBe(false);
    expect(() => loadConfig({ WEB_PUSH_HOSTS: 'push.example.org, http://evil' })).toThrow(/WEB_PUSH_HOSTS/);
    expect(loadConfig({ WEB_PUSH_HOSTS: 'Push.Example.org, *.push.example.net' }).WEB_PUSH_HOSTS).toEqual([
      'push.example.org',
      '*.push.example.net',
    ]);
  });

  it("does not move another member's browser to your account", async () => {
    const bobsBrowser = serviceB.subscribe();
    expect((await subscribe(bob.cookie, bobsBrowser)).status).toBe(201);
    const taken = await subscribe(alice.cookie, bobsBrowser);
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain('another account');
    expect(await devices(alice.cookie)).toBe(0);
    expect(await devices(bob.cookie)).toBe(1);
    // Bob still gets his messages, Alice none of them.
    expect(await pushTo(bob.id)).toMatchObject({ delivered: true });
    expect(serviceB.to(bobsBrowser.endpoint)).toHaveLength(1);
    // Bob subscribing his own browser again is still fine.
    expect((await subscribe(bob.cookie, bobsBrowser)).status).toBe(201);
  });

  it('redacts a push URL where it appears, without blanking the same path anywhere else', async () => {
    const keys = serviceB.subscribe().keys;
    const endpoint = `${serviceB.url}/api/v1/auth/login`;
    expect((await subscribe(alice.cookie, { endpoint, keys })).status).toBe(201);
    // The push service does not know it (404): the attempt registers the URL as secret.
    expect(await pushTo(alice.id)).toMatchObject({ delivered: false });
    expect(serviceB.calls).toContain(endpoint);
    expect(redactText(`POST ${endpoint} failed`)).toBe(`POST ${serviceB.url}[REDACTED] failed`);
    // The access line of everyone's sign-in keeps its path.
    expect(redactText('POST /api/v1/auth/login 200')).toBe('POST /api/v1/auth/login 200');
    expect(scrubJsonLine('{"event":"http.request","path":"/api/v1/auth/login"}')).toContain('/api/v1/auth/login');
    await request(t.app).post('/api/v1/notifications/push/unsubscribe').set('Cookie', alice.cookie).send({ endpoint });
  });

  it('refuses at send time an endpoint stored before the policy, and stops sending to it', async () => {
    const browser = serviceA.subscribe();
    expect((await subscribe(alice.cookie, browser)).status).toBe(201);
    // As an old database could hold it: a scheme no push service uses (refused without any connection).
    await t.container.database.db
      .update(pushSubscriptions)
      .set({ endpoint: 'ftp://127.0.0.1:21/wpush/old' })
      .where(eq(pushSubscriptions.endpoint, browser.endpoint));
    const result = await pushTo(alice.id);
    expect(result).toMatchObject({ delivered: false });
    expect(result.error).toContain('expired');
    const [row] = await t.container.database.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, 'ftp://127.0.0.1:21/wpush/old'));
    expect(row!.goneAt).not.toBeNull();
    await t.container.database.db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, alice.id));
  });
});

describe('one breaker per push service', () => {
  it("keeps pushing through one push service while another's failures opened its own breaker", async () => {
    const adminUser = (await t.container.users.findByUsername('admin'))!;
    const adminBrowser = serviceA.subscribe();
    expect((await subscribe(admin, adminBrowser)).status).toBe(201);
    const bobsBrowser = serviceB.subscribe();
    expect((await subscribe(bob.cookie, bobsBrowser)).status).toBe(201);

    serviceA.setDown(true);
    const breakerA = `notify-webpush:${new URL(serviceA.url).host}` as const;
    for (let i = 0; i < 3; i++)
      expect(await t.container.notifications.channels.sendTest(channelId, adminUser)).toMatchObject({ delivered: false });
    await waitFor(() => Promise.resolve(t.container.breakers.stateOf(breakerA) === 'open'), 5000);
    // Service A is paused; Bob's browser at service B is not.
    const before = serviceB.to(bobsBrowser.endpoint).length;
    expect(await pushTo(bob.id)).toMatchObject({ delivered: true });
    expect(serviceB.to(bobsBrowser.endpoint)).toHaveLength(before + 1);
    expect(t.container.breakers.stateOf(`notify-webpush:${new URL(serviceB.url).host}`)).toBe('closed');
    serviceA.setDown(false);
  });
});
