import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../db/schema';
import { createTestApp, type TestApp } from '../../../test/context';

const TOKEN = 'alertmanager-token-123';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ ALERTS_WEBHOOK_TOKEN: TOKEN });
});
afterAll(() => t.cleanup());

/** An Alertmanager notification as its webhook sends it (payload version 4). */
function notification(alertList: Record<string, unknown>[], status = 'firing') {
  return {
    version: '4',
    groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
    truncatedAlerts: 0,
    status,
    receiver: 'medianest',
    groupLabels: { alertname: 'ProbeFailure' },
    commonLabels: { alertname: 'ProbeFailure', severity: 'critical' },
    commonAnnotations: { summary: 'Probe failed' },
    externalURL: 'http://alertmanager:9093',
    alerts: alertList,
  };
}

function alert(fingerprint: string, status: 'firing' | 'resolved', extra: Record<string, unknown> = {}) {
  return {
    status,
    labels: { alertname: 'ProbeFailure', severity: 'critical', instance: 'https://a.example' },
    annotations: { summary: 'Probe failed', description: 'The probe failed for 2 minutes' },
    startsAt: '2023-02-06T13:08:45.828Z',
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2023-02-06T13:20:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=probe_success',
    fingerprint,
    ...extra,
  };
}

/** Posts as Alertmanager does; `token: null` sends no Authorization header. */
const post = (body: unknown, token: string | null = TOKEN) => {
  const req = request(t.app).post('/api/v1/alerts/webhook');
  return token === null ? req.send(body as object) : req.set('Authorization', `Bearer ${token}`).send(body as object);
};

async function stored(fingerprint: string) {
  const rows = await t.container.database.db.select().from(alerts);
  return rows.filter((r) => r.fingerprint === fingerprint);
}

describe('POST /api/v1/alerts/webhook', () => {
  it('stores each alert of a notification', async () => {
    const res = await post(
      notification([alert('1a30ba71cca2921f', 'firing'), alert('2b41cb82ddb3a32a', 'firing', { startsAt: '2023-02-06T14:00:00Z' })]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 2 });
    const [row] = await stored('1a30ba71cca2921f');
    expect(row).toMatchObject({
      alertname: 'ProbeFailure',
      status: 'firing',
      severity: 'critical',
      summary: 'Probe failed',
      labels: { alertname: 'ProbeFailure', severity: 'critical', instance: 'https://a.example' },
      endsAt: null,
    });
    expect(row!.startsAt!.toISOString()).toBe('2023-02-06T13:08:45.828Z');
  });

  it('updates the same occurrence when it resolves, and keeps a new occurrence apart', async () => {
    await post(notification([alert('3c52dc93eec4b43b', 'firing')]));
    await post(notification([alert('3c52dc93eec4b43b', 'resolved')], 'resolved'));
    let rows = await stored('3c52dc93eec4b43b');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved' });
    expect(rows[0]!.endsAt!.toISOString()).toBe('2023-02-06T13:20:00.000Z');
    // The same alert firing again later is a new occurrence (new startsAt).
    await post(notification([alert('3c52dc93eec4b43b', 'firing', { startsAt: '2023-02-07T08:00:00Z' })]));
    rows = await stored('3c52dc93eec4b43b');
    expect(rows.map((r) => r.status).sort()).toEqual(['firing', 'resolved']);
  });

  it('accepts the same occurrence twice in one notification', async () => {
    const res = await post(notification([alert('4d63ed04ffd5c54c', 'firing'), alert('4d63ed04ffd5c54c', 'resolved')]));
    expect(res.status).toBe(200);
    expect(await stored('4d63ed04ffd5c54c')).toEqual([expect.objectContaining({ status: 'resolved' })]);
  });

  it('requires the bearer token', async () => {
    const body = notification([alert('5e74fe15aae6d65d', 'firing')]);
    const missing = await post(body, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('UNAUTHENTICATED');
    expect((await post(body, 'wrong-token')).status).toBe(401);
    expect((await post(body, `${TOKEN}x`)).status).toBe(401);
    expect(await stored('5e74fe15aae6d65d')).toEqual([]);
  });

  it('answers 404 NOT_CONFIGURED while no token is configured (a post from anyone is not our failure)', async () => {
    const unconfigured = await createTestApp();
    try {
      const res = await request(unconfigured.app)
        .post('/api/v1/alerts/webhook')
        .set('Authorization', 'Bearer anything')
        .send(notification([]));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_CONFIGURED');
    } finally {
      await unconfigured.cleanup();
    }
  });

  it.each([
    ['no alerts array', { version: '4', status: 'firing', receiver: 'x' }],
    ['a bad status', notification([alert('6f', 'firing', { status: 'pending' })])],
    ['a bad time', notification([alert('6f', 'firing', { startsAt: 'yesterday' })])],
    ['no fingerprint', notification([alert('', 'firing')])],
    ['a non-string label', notification([alert('6f', 'firing', { labels: { alertname: 'X', count: 3 } })])],
    ['a reserved label name', notification([alert('6f', 'firing', { labels: { alertname: 'X', __name__: 'up' } })])],
  ])('rejects %s with 400 (Alertmanager does not retry 4xx)', async (_what, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('rejects non-JSON with 415 and invalid JSON with 400', async () => {
    const text = await request(t.app)
      .post('/api/v1/alerts/webhook')
      .set('Authorization', `Bearer ${TOKEN}`)
      .type('text/plain')
      .send('hello');
    expect(text.status).toBe(415);
    const broken = await request(t.app)
      .post('/api/v1/alerts/webhook')
      .set('Authorization', `Bearer ${TOKEN}`)
      .type('application/json')
      .send('{"alerts": [');
    expect(broken.status).toBe(400);
  });

  it('takes groups above the API-wide 100 kB limit, up to 1 MB', async () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      alert(`big${i}`, 'firing', { annotations: { summary: `Alert ${i}`, description: 'd'.repeat(1_000) } }),
    );
    const body = notification(many);
    expect(JSON.stringify(body).length).toBeGreaterThan(300_000);
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 400 });

    const tooMany = notification(
      Array.from({ length: 1_100 }, (_, i) => alert(`huge${i}`, 'firing', { annotations: { description: 'd'.repeat(1_000) } })),
    );
    const tooBig = await post(tooMany);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.message).toMatch(/1 MB/);
  });
});
