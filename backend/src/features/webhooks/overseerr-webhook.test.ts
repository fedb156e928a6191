import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, logger, setLogger } from '../../observability/logging/logger';
import { mediaRequestsTotal } from '../../observability/metrics/catalog';
import type { DomainEvents } from '../../realtime/events';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { Permission } from '../../../test/fakes/fake-overseerr';
import { FAKE_WEBHOOK_SECRET, listen, startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { waitFor } from '../../../test/tcp-proxy';

let up: Upstreams;
let t: TestApp;
let server: { url: string; close(): Promise<void> };
let webhookUrl: string;
let alice: { id: string; cookie: string };
const lines: string[] = [];
const previousLogger = logger();

beforeAll(async () => {
  setLogger(
    createLogger({ level: 'info', version: 'test', environment: 'test', destination: { write: (s: string) => void lines.push(s) } }),
  );
  up = await startUpstreams();
  t = await createTestApp(up.env);
  server = await listen(t.app);
  webhookUrl = `${server.url}/api/v1/webhooks/overseerr`;
  // Overseerr's "Authorization Header" setting holds the bare secret; it is sent verbatim.
  up.overseerr.setWebhook(webhookUrl, FAKE_WEBHOOK_SECRET);
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
});

afterAll(async () => {
  setLogger(previousLogger);
  await server?.close();
  await t?.cleanup();
  await up?.stop();
});

async function ask(tmdbId: number, mediaType: 'movie' | 'tv' = 'movie') {
  const res = await request(t.app).post('/api/v1/media/requests').set('Cookie', alice.cookie).send({ mediaType, tmdbId });
  expect(res.status).toBe(201);
  return res.body.request as { id: number; overseerrId: number; status: string };
}

async function statusOf(id: number): Promise<string> {
  const res = await request(t.app).get(`/api/v1/media/requests/${id}`).set('Cookie', alice.cookie);
  return res.body.request.status as string;
}

async function counted(status: string): Promise<number> {
  const m = await mediaRequestsTotal.get();
  return m.values.find((v) => v.labels.type === 'movie' && v.labels.status === status && v.labels.source === 'webhook')?.value ?? 0;
}

describe('Overseerr webhook', () => {
  it('drives a request from pending through approved to available, publishing each change to its owner', async () => {
    const ours = await ask(27205);
    expect(ours.status).toBe('pending');
    const updates: DomainEvents['request.updated'][] = [];
    const stop = t.container.events.subscribe('request.updated', (e) => updates.push(e));
    const availableBefore = await counted('available');
    try {
      // Like Seerr, MEDIA_APPROVED says media "PENDING" (sent before the media is updated): approved at once, and
      // processing as soon as the media is, from the follow-up read (no request-progress job runs in this test).
      expect(await up.overseerr.approve(ours.overseerrId)).toBe(200);
      await waitFor(async () => (await statusOf(ours.id)) === 'processing', 10_000);
      expect(await up.overseerr.markAvailable(ours.overseerrId)).toBe(200);
      expect(await statusOf(ours.id)).toBe('available');
    } finally {
      stop();
    }
    expect(updates.map((u) => [u.previousStatus, u.status])).toEqual([
      ['pending', 'approved'],
      ['approved', 'processing'],
      ['processing', 'available'],
    ]);
    for (const u of updates)
      expect(u).toMatchObject({ requestId: ours.id, userId: alice.id, mediaType: 'movie', tmdbId: 27205, title: 'Inception' });
    expect(await counted('available')).toBe(availableBefore + 1);
    // The title now reads as available in search.
    const details = await request(t.app).get('/api/v1/media/movie/27205').set('Cookie', alice.cookie);
    expect(details.body.availability).toBe('available');
  });

  it("copes with Seerr's webhook arriving before the 201: a pending request stays pending, an auto-approved one reaches processing", async () => {
    const aliceInOverseerr = up.overseerr.userId('alice@example.com');
    up.overseerr.notifyOnCreate = 'before-response';
    try {
      const sent = up.overseerr.webhookResults.length;
      const pending = await ask(1399, 'tv');
      expect(pending.status).toBe('pending');
      // MEDIA_PENDING named a request MediaNest had not stored yet: acknowledged, nothing broken.
      expect(up.overseerr.webhookResults.slice(sent)).toEqual([{ type: 'MEDIA_PENDING', status: 200 }]);
      expect(await statusOf(pending.id)).toBe('pending');

      // A member who may auto-approve: MEDIA_AUTO_APPROVED before the 201, the 201 says approved with the
      // media not PROCESSING yet (as in Seerr); the follow-up read brings "processing" without waiting for a poll.
      up.overseerr.setPermissions(aliceInOverseerr, Permission.REQUEST | Permission.AUTO_APPROVE);
      const auto = await ask(605);
      expect(up.overseerr.webhookResults.at(-1)).toEqual({ type: 'MEDIA_AUTO_APPROVED', status: 200 });
      expect(auto.status).toBe('approved');
      await waitFor(async () => (await statusOf(auto.id)) === 'processing', 10_000);
    } finally {
      up.overseerr.notifyOnCreate = false;
      up.overseerr.setPermissions(aliceInOverseerr, Permission.REQUEST);
    }
  });

  it('maps declined and failed, and ignores a stale approval after availability', async () => {
    const declined = await ask(550);
    await up.overseerr.decline(declined.overseerrId);
    expect(await statusOf(declined.id)).toBe('declined');

    const failed = await ask(155);
    await up.overseerr.failRequest(failed.overseerrId);
    expect(await statusOf(failed.id)).toBe('failed');

    const inception = (await request(t.app).get('/api/v1/media/requests?status=available').set('Cookie', alice.cookie)).body.requests[0];
    const stale = up.overseerr.webhookPayload('MEDIA_APPROVED', inception.overseerrId);
    expect(await up.overseerr.sendWebhook(stale)).toBe(200);
    expect(await statusOf(inception.id)).toBe('available');
  });

  it('accepts the secret with a Bearer prefix too, and answers the test notification', async () => {
    const res = await request(t.app)
      .post('/api/v1/webhooks/overseerr')
      .set('Authorization', `Bearer ${FAKE_WEBHOOK_SECRET}`)
      .send(up.overseerr.webhookPayload('TEST_NOTIFICATION'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('answers 200 for requests not made through MediaNest and for issue notifications', async () => {
    const payload = {
      ...up.overseerr.webhookPayload('TEST_NOTIFICATION'),
      notification_type: 'MEDIA_APPROVED',
      request: { request_id: '99999' },
    };
    const res = await request(t.app).post('/api/v1/webhooks/overseerr').set('Authorization', FAKE_WEBHOOK_SECRET).send(payload);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, matched: false });
    const issue = await request(t.app)
      .post('/api/v1/webhooks/overseerr')
      .set('Authorization', FAKE_WEBHOOK_SECRET)
      .send({ notification_type: 'ISSUE_CREATED', issue: { issue_id: '3' } });
    expect(issue.status).toBe(200);
  });

  it('refuses a wrong or missing secret with 401', async () => {
    const payload = up.overseerr.webhookPayload('TEST_NOTIFICATION');
    for (const auth of [undefined, 'wrong', `Bearer wrong`, `${FAKE_WEBHOOK_SECRET}x`, `Basic ${FAKE_WEBHOOK_SECRET}`]) {
      const req = request(t.app).post('/api/v1/webhooks/overseerr');
      if (auth !== undefined) req.set('Authorization', auth);
      const res = await req.send(payload);
      expect(res.status, String(auth)).toBe(401);
    }
    expect(await up.overseerr.sendWebhook(payload, { url: webhookUrl, authorization: 'not-the-secret' })).toBe(401);
  });

  it('answers 400 and logs a malformed payload or an unknown type, never 500', async () => {
    const post = (body: unknown, type = 'application/json') =>
      request(t.app)
        .post('/api/v1/webhooks/overseerr')
        .set('Authorization', FAKE_WEBHOOK_SECRET)
        .set('Content-Type', type)
        .send(typeof body === 'string' ? body : JSON.stringify(body));
    const cases: [unknown, number][] = [
      ['{"notification_type": ', 400],
      [{}, 400],
      [[1, 2], 400],
      [{ notification_type: 42 }, 400],
      [{ notification_type: 'MEDIA_EXPLODED', request: { request_id: '1' } }, 400],
      [{ notification_type: 'MEDIA_APPROVED', request: { request_id: 'abc' }, media: null }, 400],
      [{ notification_type: 'MEDIA_APPROVED', request: 'nope' }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toMatch(/BAD_REQUEST|VALIDATION_FAILED/);
    }
    expect(lines.some((l) => l.includes('"event":"webhook.overseerr.malformed"'))).toBe(true);
    expect(lines.some((l) => l.includes('"event":"webhook.overseerr.unknown_type"'))).toBe(true);
  });

  it('is 404 NOT_CONFIGURED without OVERSEERR_WEBHOOK_SECRET (a post from anyone is not our failure)', async () => {
    const { OVERSEERR_WEBHOOK_SECRET: _secret, ...env } = up.env;
    const bare = await createTestApp(env);
    try {
      const res = await request(bare.app)
        .post('/api/v1/webhooks/overseerr')
        .set('Authorization', 'anything')
        .send({ notification_type: 'TEST_NOTIFICATION' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_CONFIGURED');
    } finally {
      await bare.cleanup();
    }
  });

  it('never logs the webhook secret', () => {
    for (const l of lines) expect(l).not.toContain(FAKE_WEBHOOK_SECRET);
  });
});
