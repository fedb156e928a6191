/**
 * Notifications speak each member's stored language: a German member's request update, an
 * announcement and the e-mail subject arrive in German, while a member without a language still
 * gets English from the same event.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundJobs } from '../../background-jobs';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { channelInputs, HttpReceivers, RECEIVER_SECRETS, SmtpSink } from '../../../test/receivers/notification-receivers';
import { waitFor } from '../../../test/tcp-proxy';

let t: TestApp;
let hooks: HttpReceivers;
let smtp: SmtpSink;
let admin: string;
let greta: { id: string; cookie: string };
let ed: { id: string; cookie: string };
const channels: Record<string, number> = {};

beforeAll(async () => {
  hooks = new HttpReceivers(RECEIVER_SECRETS.signingSecret);
  smtp = new SmtpSink(RECEIVER_SECRETS.smtp);
  await Promise.all([hooks.start(), smtp.start()]);
  t = await createTestApp({ PUBLIC_URL: 'http://127.0.0.1:4000', NOTIFICATIONS_RETRY_BASE_MS: '100' });
  await startBackgroundJobs(t.container, 'all');
  admin = await loginCookie(t.app);
  greta = await createUser(t.app, t.container, 'greta', { email: 'greta@example.com' });
  ed = await createUser(t.app, t.container, 'ed', { email: 'ed@example.com' });
  const inputs = channelInputs(hooks, smtp);
  for (const kind of ['ntfy', 'email'] as const) {
    const res = await request(t.app).post('/api/v1/admin/notifications/channels').set('Cookie', admin).send(inputs[kind]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    channels[kind] = res.body.channel.id;
  }
  expect((await request(t.app).patch('/api/v1/auth/account').set('Cookie', greta.cookie).send({ language: 'de' })).status).toBe(200);
  const choose = (cookie: string, kind: string, events: string[]) =>
    request(t.app).patch(`/api/v1/notifications/preferences/${channels[kind]}`).set('Cookie', cookie).send({ events, address: null });
  for (const member of [greta, ed]) expect((await choose(member.cookie, 'ntfy', ['request.approved', 'announcement'])).status).toBe(200);
  expect((await choose(greta.cookie, 'email', ['announcement'])).status).toBe(200);
});

afterAll(async () => {
  await t?.cleanup();
  await hooks?.stop();
  await smtp?.stop();
});

describe('notifications in the member’s language', () => {
  it('words a request update for a German member in German, and for another member in English', async () => {
    const change = {
      mediaType: 'tv' as const,
      tmdbId: 70523,
      title: 'Dark',
      status: 'approved' as const,
      previousStatus: 'pending' as const,
    };
    expect(await t.container.notifications.planner.plan({ ...change, requestId: 9001, userId: greta.id })).toBe(1);
    expect(await t.container.notifications.planner.plan({ ...change, requestId: 9002, userId: ed.id })).toBe(1);
    await waitFor(() => hooks.of('ntfy').length >= 2, 10_000);
    const bodies = hooks.of('ntfy').map((m) => ({ title: m.body.title, message: m.body.message }));
    expect(bodies).toEqual(
      expect.arrayContaining([
        {
          title: 'Genehmigt: Dark',
          message: 'Deine Anfrage für die Serie „Dark“ wurde genehmigt. Du erfährst, sobald sie bereit zum Anschauen ist.',
        },
        { title: 'Approved: Dark', message: 'Your request for the show "Dark" was approved. You will hear when it is ready to watch.' },
      ]),
    );
  });

  it('titles one announcement per member in their language, on chat and in the e-mail subject', async () => {
    const before = hooks.of('ntfy').length;
    const res = await request(t.app)
      .post('/api/v1/admin/status/announcements')
      .set('Cookie', admin)
      .send({ message: 'Plex restarts at 22:00.', severity: 'warning', expiresAt: null });
    expect(res.status).toBe(201);
    await waitFor(() => hooks.of('ntfy').length >= before + 2 && smtp.received.length >= 1, 10_000);
    const titles = hooks
      .of('ntfy')
      .slice(before)
      .map((m) => m.body.title)
      .sort();
    expect(titles).toEqual(['Important: announcement from your server', 'Wichtig: Mitteilung von deinem Server']);
    expect(smtp.received).toEqual([expect.objectContaining({ to: 'greta@example.com', subject: 'Wichtig: Mitteilung von deinem Server' })]);
  });
});
