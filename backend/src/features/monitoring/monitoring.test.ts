import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceStatusHistory } from '../../db/schema';
import type { DomainEvents } from '../../realtime/events';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createContainer } from '../../container';
import { EventBus } from '../../realtime/events';
import { createTestApp, testMode, type TestApp } from '../../../test/context';
import { captureLogs, registrySum } from '../../../test/metrics-helpers';
import { defineBackgroundJobs } from '../../background-jobs';
import { createJobQueue } from '../../jobs/create-job-queue';
import { waitFor } from '../../../test/tcp-proxy';
import { probeTargets, SLOW_AFTER_MS } from './service-probes';
import { ServiceStatusService } from './service-status.service';

/** A local stand-in for an extra service: answers `status` after `delayMs`. */
let upstream: http.Server;
let upstreamUrl: string;
const upstreamHits: string[] = [];
beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    upstreamHits.push(`${req.url} ${req.headers.authorization ?? ''}`);
    const [, status, delay] = /^\/(\d{3})(?:\/(\d+))?/.exec(req.url ?? '') ?? [];
    setTimeout(() => res.writeHead(Number(status ?? 200), { 'content-type': 'text/plain' }).end('ok'), Number(delay ?? 0));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

let t: TestApp;
let admin: string;
let user: string;
beforeAll(async () => {
  t = await createTestApp({ PLEX_URL: 'http://127.0.0.1:9', PLEX_TOKEN: 'plex-token' });
  admin = await loginCookie(t.app);
  user = (await createUser(t.app, t.container, 'viewer')).cookie;
});
afterAll(() => t.cleanup());

async function addService(name: string, url: string, enabled = true): Promise<{ id: number; key: string }> {
  const res = await request(t.app).post('/api/v1/admin/services').set('Cookie', admin).send({ name, url, enabled });
  expect(res.status).toBe(201);
  return res.body.service as { id: number; key: string };
}

describe('admin: monitored services', () => {
  it('creates, lists, changes and deletes a service, with validation', async () => {
    const created = await request(t.app)
      .post('/api/v1/admin/services')
      .set('Cookie', admin)
      .send({ name: '  NAS  ', url: 'http://backup:secret@nas.local:5000/' });
    expect(created.status).toBe(201);
    // The stored password never goes back to a browser.
    expect(created.body.service).toMatchObject({ name: 'NAS', url: 'http://backup:***@nas.local:5000/', enabled: true });
    const id = created.body.service.id as number;

    const listed = await request(t.app).get('/api/v1/admin/services').set('Cookie', admin);
    expect(listed.body.services).toContainEqual(expect.objectContaining({ id, key: `monitored:${id}` }));

    const patched = await request(t.app).patch(`/api/v1/admin/services/${id}`).set('Cookie', admin).send({ enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body.service).toMatchObject({ enabled: false, url: 'http://backup:***@nas.local:5000/' });

    expect(
      (await request(t.app).delete(`/api/v1/admin/services/${id}`).set('Cookie', admin).set('X-Requested-With', 'XMLHttpRequest')).status,
    ).toBe(204);
    expect(
      (await request(t.app).delete(`/api/v1/admin/services/${id}`).set('Cookie', admin).set('X-Requested-With', 'XMLHttpRequest')).status,
    ).toBe(404);
    expect((await request(t.app).patch(`/api/v1/admin/services/abc`).set('Cookie', admin).send({ enabled: true })).status).toBe(404);
  });

  it.each([
    [{ name: 'x', url: 'ftp://files.local' }, 'url'],
    [{ name: 'x', url: 'javascript:alert(1)' }, 'url'],
    [{ name: '', url: 'http://a.local' }, 'name'],
    [{ url: 'http://a.local' }, 'name'],
    [{ name: 'x', url: 'http://a.local', admin: true }, ''],
    [{ name: 'x', url: 'http://a.local', enabled: 'yes' }, 'enabled'],
  ])('rejects %j with 400 naming the field', async (body, field) => {
    const res = await request(t.app).post('/api/v1/admin/services').set('Cookie', admin).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: field }));
  });

  it('is for admins only', async () => {
    expect((await request(t.app).get('/api/v1/admin/services')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/admin/services').set('Cookie', user)).status).toBe(403);
    expect(
      (await request(t.app).post('/api/v1/admin/services').set('Cookie', user).send({ name: 'x', url: 'http://a.local' })).status,
    ).toBe(403);
  });
});

describe('service health checks', () => {
  it('classifies up, slow, 4xx, 5xx and unreachable, and tells everyone about changes only', async () => {
    const fast = await addService('Fast', `${upstreamUrl}/200`);
    const slow = await addService('Slow', `${upstreamUrl}/200/${SLOW_AFTER_MS + 300}`);
    const missing = await addService('Moved', `${upstreamUrl}/404`);
    const broken = await addService('Broken', `${upstreamUrl}/503`);
    const closed = await addService('Gone', 'http://127.0.0.1:9/');
    const withCredentials = await addService('Private', `http://probe:s3cret@127.0.0.1:${new URL(upstreamUrl).port}/200/0`);
    const disabled = await addService('Disabled', `${upstreamUrl}/200`, false);

    const published: DomainEvents['service.status'][] = [];
    const off = t.container.events.subscribe('service.status', (e) => published.push(e));
    const plex = { identity: async () => ({ machineIdentifier: 'abc', version: '1.40' }) };
    const check = async () =>
      t.container.serviceStatus.checkAll(probeTargets({ plex }, await t.container.serviceStatus.monitored.listEnabled()));

    const results = await check();
    const by = new Map(results.map((r) => [r.service, r]));
    expect(by.get('plex')?.status).toBe('up');
    expect(by.get(fast.key)?.status).toBe('up');
    expect(by.get(slow.key)).toMatchObject({ status: 'degraded', error: expect.stringMatching(/slow/) });
    expect(by.get(missing.key)).toMatchObject({ status: 'degraded', error: 'answered HTTP 404' });
    expect(by.get(broken.key)).toMatchObject({ status: 'down', responseTimeMs: null });
    expect(by.get(closed.key)).toMatchObject({ status: 'down', responseTimeMs: null });
    expect(by.get(withCredentials.key)?.status).toBe('up');
    expect(by.has(disabled.key)).toBe(false);
    // Credentials in a URL travel as Basic auth, never in the request line.
    expect(upstreamHits).toContain(`/200/0 Basic ${Buffer.from('probe:s3cret').toString('base64')}`);
    expect(
      await registrySum(
        'medianest_external_api_duration_seconds',
        { service: 'monitored' },
        'medianest_external_api_duration_seconds_count',
      ),
    ).toBeGreaterThanOrEqual(5);

    // First check: every service changed from "unknown".
    expect(published.map((e) => e.service).sort()).toEqual([...by.keys()].sort());
    published.length = 0;
    // The slow one has shown what it had to; the remaining checks need not wait for it.
    await request(t.app).patch(`/api/v1/admin/services/${slow.id}`).set('Cookie', admin).send({ enabled: false });

    await check();
    expect(published).toEqual([]);

    await request(t.app)
      .patch(`/api/v1/admin/services/${fast.id}`)
      .set('Cookie', admin)
      .send({ url: `${upstreamUrl}/500` });
    await check();
    expect(published).toEqual([expect.objectContaining({ service: fast.key, status: 'down', previousStatus: 'up', responseTimeMs: null })]);
    off();
  });

  it('reports current status and 24-hour uptime (a share of probe time) to signed-in users (degraded counts as up)', async () => {
    const svc = await addService('Uptime', `${upstreamUrl}/200`);
    const now = Date.now();
    const row = (status: 'up' | 'down' | 'degraded', minutesAgo: number, ms: number | null) => ({
      service: svc.key,
      status,
      responseTimeMs: ms,
      checkedAt: new Date(now - minutesAgo * 60_000),
    });
    await t.container.database.db.insert(serviceStatusHistory).values([
      row('up', 300, 40),
      row('up', 200, 41),
      row('degraded', 100, 2500),
      row('down', 50, null),
      row('up', 1, 42),
      // Older than 24 hours: not part of the uptime.
      row('down', 25 * 60, null),
      row('down', 26 * 60, null),
    ]);

    expect((await request(t.app).get('/api/v1/services/status')).status).toBe(401);
    const res = await request(t.app).get('/api/v1/services/status').set('Cookie', user);
    expect(res.status).toBe(200);
    const entry = (res.body.services as { service: string }[]).find((s) => s.service === svc.key);
    expect(entry).toEqual({
      service: svc.key,
      name: 'Uptime',
      kind: 'monitored',
      status: 'up',
      responseTimeMs: 42,
      lastCheckedAt: new Date(now - 60_000).toISOString(),
      // Each probe stands for at most 120 s: 120 + 120 + 120 (degraded) + 60 (the last, until now) up, 120 down
      // (420 of 540 s); the last one grows by the seconds the request itself takes on a busy machine.
      uptime24h: expect.closeTo(77.8, 1),
      checks24h: 5,
    });
    // Plex is configured, so it is listed even before its first check; Overseerr is not.
    const services = res.body.services as { service: string; status: string }[];
    expect(services.some((s) => s.service === 'plex')).toBe(true);
    expect(services.some((s) => s.service === 'overseerr')).toBe(false);
    // No URLs (which may carry credentials) in what every user sees.
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
  });

  it('prunes history older than 7 days', async () => {
    const svc = await addService('Old', `${upstreamUrl}/200`);
    await t.container.database.db.insert(serviceStatusHistory).values([
      { service: svc.key, status: 'up', responseTimeMs: 1, checkedAt: new Date(Date.now() - 8 * 86_400_000) },
      { service: svc.key, status: 'up', responseTimeMs: 1, checkedAt: new Date(Date.now() - 6 * 86_400_000) },
    ]);
    expect(await t.container.serviceStatus.prune()).toBe(1);
  });

  it('runs as the service-health job: queued, completed and timed', async () => {
    const jobs = createJobQueue(t.config, t.container.redis);
    try {
      const defined = defineBackgroundJobs({ ...t.container, jobs });
      expect(defined).toContain('service-health');
      const before = await registrySum('medianest_background_jobs_total', { queue: 'service-health', status: 'completed' });
      await jobs.start({ process: true });
      await waitFor(
        async () => (await registrySum('medianest_background_jobs_total', { queue: 'service-health', status: 'completed' })) > before,
        15_000,
      );
    } finally {
      await jobs.close(2_000);
    }
  });
});

describe('service status across replicas', () => {
  it('announces each change of a service once per cluster, whichever replica runs the check', async () => {
    // A second MediaNest on the same database (and, with services, the same Redis): the service-health job
    // runs on one replica or the other from one period to the next.
    const bus = new EventBus();
    const second =
      testMode === 'services'
        ? await createContainer(t.config)
        : { serviceStatus: new ServiceStatusService(t.container.database, bus, t.config), events: bus };
    const replicas = [t.container.serviceStatus, second.serviceStatus];
    const announced: DomainEvents['service.status'][] = [];
    const stops = [t.container.events, second.events].map((bus) =>
      bus.subscribe('service.status', (e) => {
        if (e.service === 'replicated') announced.push(e);
      }),
    );
    const logs = captureLogs('info');
    let answering = true;
    const target = {
      key: 'replicated',
      name: 'Replicated',
      probe: async () => {
        if (!answering) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      },
    };
    try {
      // [replica, answering] in the order the job happened to run them.
      const runs: [number, boolean][] = [
        [0, true],
        [1, true],
        [0, false],
        [1, false],
        [0, true],
        [1, true],
        [1, false],
        [0, false],
      ];
      for (const [replica, answers] of runs) {
        answering = answers;
        await replicas[replica]!.checkAll([target]);
      }
    } finally {
      logs.restore();
      for (const stop of stops) stop();
      if ('close' in second) await second.close();
    }
    expect(announced.map((e) => [e.previousStatus ?? null, e.status])).toEqual([
      [null, 'up'],
      ['up', 'down'],
      ['down', 'up'],
      ['up', 'down'],
    ]);
    const changed = logs.lines.filter((l) => l.event === 'service.status.changed' && l.upstream === 'replicated');
    expect(changed).toHaveLength(4);
  });
});
