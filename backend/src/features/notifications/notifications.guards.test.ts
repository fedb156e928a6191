/**
 * Where channel secrets and members' addresses may lead: a sealed token does not follow a changed
 * destination, member ntfy topics stay under the admin's prefix, and an e-mail address gets nothing
 * before its confirmation link was opened by that member. Receivers are the local fakes on 127.0.0.1.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationPreferences } from '../../db/schema';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { channelInputs, HttpReceivers, RECEIVER_SECRETS, SmtpSink } from '../../../test/receivers/notification-receivers';

let t: TestApp;
let hooks: HttpReceivers;
let elsewhere: HttpReceivers;
let smtp: SmtpSink;
let admin: string;
let alice: { id: string; cookie: string };
let bob: { id: string; cookie: string };
const ids: Record<string, number> = {};

beforeAll(async () => {
  hooks = new HttpReceivers(RECEIVER_SECRETS.signingSecret);
  elsewhere = new HttpReceivers(RECEIVER_SECRETS.signingSecret);
  smtp = new SmtpSink(RECEIVER_SECRETS.smtp);
  await Promise.all([hooks.start(), elsewhere.start(), smtp.start()]);
  t = await createTestApp({ PUBLIC_URL: 'http://127.0.0.1:4000' });
  admin = await loginCookie(t.app);
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  bob = await createUser(t.app, t.container, 'bob', { email: 'bob@example.com' });
  const inputs = channelInputs(hooks, smtp);
  for (const kind of ['ntfy', 'email'] as const) {
    const res = await request(t.app).post('/api/v1/admin/notifications/channels').set('Cookie', admin).send(inputs[kind]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[kind] = res.body.channel.id;
  }
});

afterAll(async () => {
  await t?.cleanup();
  await hooks?.stop();
  await elsewhere?.stop();
  await smtp?.stop();
});

const patchChannel = (id: number, body: object) =>
  request(t.app).patch(`/api/v1/admin/notifications/channels/${id}`).set('Cookie', admin).send(body);
const sendTest = async (id: number) =>
  (await request(t.app).post(`/api/v1/admin/notifications/channels/${id}/test`).set('X-Requested-With', 'MediaNest').set('Cookie', admin))
    .body.result as { delivered: boolean; error?: string };
const prefs = (cookie: string, kind: string, address: string | null) =>
  request(t.app)
    .patch(`/api/v1/notifications/preferences/${ids[kind]}`)
    .set('Cookie', cookie)
    .send({ events: ['request.approved'], address });
const deliverTo = async (userId: string, kind: 'ntfy' | 'email') => {
  const user = (await t.container.users.findById(userId))!;
  return t.container.notifications.channels.sendTest(ids[kind]!, user);
};

describe('a changed destination', () => {
  it('drops the ntfy token when the server changes, unless the change brings a new one', async () => {
    const settings = { serverUrl: `${elsewhere.url}/ntfy`, topic: 'medianest-house', memberTopicPrefix: 'medianest-' };
    const moved = await patchChannel(ids.ntfy!, { settings });
    expect(moved.body.channel.secrets).toEqual({ token: { set: false } });
    expect(await sendTest(ids.ntfy!)).toMatchObject({ delivered: true });
    expect(elsewhere.of('ntfy')[0]!.headers.authorization).toBeUndefined();
    // The same server again keeps a token given with the change.
    const back = await patchChannel(ids.ntfy!, {
      settings: { ...settings, serverUrl: `${hooks.url}/ntfy` },
      secrets: { token: 'tk_new-token-123' },
    });
    expect(back.body.channel.secrets).toEqual({ token: { set: true } });
    expect((await patchChannel(ids.ntfy!, { name: 'renamed' })).body.channel.secrets).toEqual({ token: { set: true } });
    expect(await sendTest(ids.ntfy!)).toMatchObject({ delivered: true });
    expect(hooks.of('ntfy').at(-1)!.headers.authorization).toBe('Bearer tk_new-token-123');
  });

  it('drops the SMTP password when the host changes', async () => {
    const { settings } = channelInputs(hooks, smtp).email;
    const moved = await patchChannel(ids.email!, { settings: { ...settings, host: 'localhost' } });
    expect(moved.body.channel.secrets).toEqual({ password: { set: false } });
    const restored = await patchChannel(ids.email!, { settings, secrets: { password: RECEIVER_SECRETS.smtp.password } });
    expect(restored.body.channel.secrets).toEqual({ password: { set: true } });
  });
});

describe('member ntfy topics', () => {
  it("accept only topics under the admin's prefix, at saving and again at sending", async () => {
    const refused = await prefs(alice.cookie, 'ntfy', 'admin-alerts');
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('must start with "medianest-"');
    expect((await prefs(alice.cookie, 'ntfy', 'medianest-')).status).toBe(400);
    expect((await prefs(alice.cookie, 'ntfy', 'medianest-alice')).status).toBe(200);
    expect(await deliverTo(alice.id, 'ntfy')).toMatchObject({ delivered: true });
    expect(hooks.of('ntfy').at(-1)!.body.topic).toBe('medianest-alice');
    // The admin changes the prefix: a topic saved before no longer receives anything.
    const { settings } = channelInputs(hooks, smtp).ntfy;
    await patchChannel(ids.ntfy!, { settings: { ...settings, memberTopicPrefix: 'family-' } });
    const sent = hooks.of('ntfy').length;
    expect(await deliverTo(alice.id, 'ntfy')).toMatchObject({ delivered: false, error: expect.stringContaining('family-') });
    expect(hooks.of('ntfy')).toHaveLength(sent);
    // Without a prefix, members keep the household topic only.
    await patchChannel(ids.ntfy!, { settings: { serverUrl: settings.serverUrl, topic: settings.topic } });
    expect((await prefs(bob.cookie, 'ntfy', 'family-bob')).status).toBe(400);
  });
});

describe('member e-mail addresses', () => {
  it('send nothing to a new address until the member opened the link mailed there; the link works once', async () => {
    smtp.received.length = 0;
    const saved = await prefs(alice.cookie, 'email', 'someone-else@example.org');
    expect(saved.status).toBe(200);
    expect(saved.body.channels.find((c: { kind: string }) => c.kind === 'email')).toMatchObject({
      address: 'someone-else@example.org',
      addressPending: true,
    });
    // Only the confirmation went out.
    expect(smtp.received.map((m) => m.to)).toEqual(['someone-else@example.org']);
    const link = new URL(/http\S+confirm\?token=\S+/.exec(smtp.received[0]!.text)![0]);
    expect(await deliverTo(alice.id, 'email')).toMatchObject({ delivered: false, error: expect.stringContaining('not confirmed') });
    expect(smtp.received).toHaveLength(1);
    // Stored hashed only.
    const token = link.searchParams.get('token')!;
    expect(JSON.stringify(await t.container.database.db.select().from(notificationPreferences))).not.toContain(token);

    const open = (cookie: string | null) => {
      const r = request(t.app).get(link.pathname + link.search);
      return cookie ? r.set('Cookie', cookie) : r;
    };
    expect((await open(null)).status).toBe(401);
    expect((await open(bob.cookie)).status).toBe(400); // another member's session
    const confirmed = await open(alice.cookie);
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe('/notifications?address=confirmed');
    expect((await open(alice.cookie)).status).toBe(400); // once
    expect(await deliverTo(alice.id, 'email')).toMatchObject({ delivered: true });
    expect(smtp.received.at(-1)!.to).toBe('someone-else@example.org');

    // A changed address needs its own link; the account's own address needs none.
    expect(
      (await prefs(alice.cookie, 'email', 'third@example.org')).body.channels.find((c: { kind: string }) => c.kind === 'email'),
    ).toMatchObject({ addressPending: true });
    expect(await deliverTo(alice.id, 'email')).toMatchObject({ delivered: false });
    expect(
      (await prefs(alice.cookie, 'email', 'alice@example.com')).body.channels.find((c: { kind: string }) => c.kind === 'email'),
    ).toMatchObject({ addressPending: false });
    expect(await deliverTo(alice.id, 'email')).toMatchObject({ delivered: true });
  });
});
