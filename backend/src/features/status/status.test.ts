import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { like } from 'drizzle-orm';
import request from 'supertest';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliverySummary, ServiceIncident, StatusNotices, StatusPage } from '@medianest/contracts';
import { buildApp } from '../../app';
import { startBackgroundJobs } from '../../background-jobs';
import { createContainer } from '../../container';
import { notificationDeliveries, serviceIncidents, serviceStatusHistory, serviceUptimeDaily } from '../../db/schema';
import { cookieIdentity, storedSessionIdentity } from '../auth/middleware';
import { attachRealtime } from '../../realtime/socket';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, testMode, type TestApp } from '../../../test/context';
import { registrySum } from '../../../test/metrics-helpers';
import { HttpReceivers } from '../../../test/receivers/notification-receivers';
import { waitFor } from '../../../test/tcp-proxy';
import { probeTargets } from '../monitoring/service-probes';
import { ServiceStatusService } from '../monitoring/service-status.service';
import { uptimeFigures, writeDailyRollups } from '../monitoring/uptime';
import { NoticesRepository } from './notices.repository';

/** A household service that answers 200 while `up[name]` and 503 otherwise. */
const up: Record<string, boolean> = {};
let upstream: http.Server;
let upstreamUrl: string;

let t: TestApp;
let hooks: HttpReceivers;
let admin: string;
let member: { id: string; cookie: string };

/**
 * Probe time is simulated: every status service in this file reads this
 * clock, and each `step` moves it one probe interval (60 s) on and probes.
 */
const clock = { at: Date.now() };
const now = () => new Date(clock.at);
const RULES = { openAfterMs: 60_000, closeAfterMs: 300_000 };
let probes: ServiceStatusService;

function statusService(container: Pick<TestApp['container'], 'database' | 'events'>): ServiceStatusService {
  return new ServiceStatusService(container.database, container.events, t.config, {
    incidents: RULES,
    maintenance: new NoticesRepository(container.database),
    now,
  });
}

async function step(services: ServiceStatusService[] = [probes]): Promise<void> {
  clock.at += 60_000;
  const targets = probeTargets({}, await probes.monitored.listEnabled());
  await Promise.all(services.map((s) => s.checkAll(targets)));
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    res.writeHead(up[name] === false ? 503 : 200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  hooks = new HttpReceivers('unused-signing-secret-0123');
  await hooks.start();

  t = await createTestApp({ PLEX_URL: 'http://127.0.0.1:9', PUBLIC_URL: 'http://127.0.0.1:4000', NOTIFICATIONS_RETRY_BASE_MS: '100' });
  probes = statusService(t.container);
  // Deliveries run as in production (one job per message); the service-health job probes on the simulated clock.
  await startBackgroundJobs({ jobs: t.container.jobs, serviceStatus: probes, notifications: t.container.notifications }, 'all');
  admin = await loginCookie(t.app);
  member = await createUser(t.app, t.container, 'member');
  const channel = await request(t.app)
    .post('/api/v1/admin/notifications/channels')
    .set('Cookie', admin)
    .send({ name: 'House ntfy', kind: 'ntfy', settings: { serverUrl: `${hooks.url}/ntfy`, topic: 'house' } });
  expect(channel.status).toBe(201);
  const prefs = await request(t.app)
    .patch(`/api/v1/notifications/preferences/${channel.body.channel.id}`)
    .set('Cookie', member.cookie)
    .send({ events: ['service.down', 'service.up', 'announcement'], address: null });
  expect(prefs.status).toBe(200);
});

afterAll(async () => {
  await t?.cleanup();
  await hooks?.stop();
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
});

async function addService(name: string): Promise<{ id: number; key: string }> {
  up[name] = true;
  const res = await request(t.app)
    .post('/api/v1/admin/services')
    .set('Cookie', admin)
    .send({ name, url: `${upstreamUrl}/${name}` });
  expect(res.status).toBe(201);
  return res.body.service as { id: number; key: string };
}

async function removeService(id: number): Promise<void> {
  await request(t.app).delete(`/api/v1/admin/services/${id}`).set('Cookie', admin).set('X-Requested-With', 'XMLHttpRequest');
}

const messagesAbout = (name: string) =>
  hooks
    .of('ntfy')
    .map((m) => String(m.body.title))
    .filter((title) => title.startsWith(`${name} `));

const incidentsOf = (service: string) =>
  t.container.database.db.select().from(serviceIncidents).where(like(serviceIncidents.service, service));

const deliveriesOf = (incidentId: number) =>
  t.container.database.db
    .select()
    .from(notificationDeliveries)
    .where(like(notificationDeliveries.eventKey, `incident:${incidentId}:%`));

async function statusPage(): Promise<StatusPage> {
  const res = await request(t.app).get('/api/v1/status').set('Cookie', member.cookie);
  expect(res.status).toBe(200);
  return res.body as StatusPage;
}

describe('uptime', () => {
  it('is the share of observed probe time answered, gaps excluded, with 30 days from daily rollups', async () => {
    const service = 'monitored:990001';
    const at = (iso: string) => new Date(iso);
    const noon = at('2026-06-15T12:00:00Z');
    const row = (status: 'up' | 'down' | 'degraded', iso: string) => ({ service, status, responseTimeMs: 1, checkedAt: at(iso) });
    await t.container.database.db.insert(serviceStatusHistory).values([
      row('up', '2026-06-15T08:00:00Z'), // 60 s up (next probe a minute later)
      row('down', '2026-06-15T08:01:00Z'), // 60 s down
      row('down', '2026-06-15T08:02:00Z'), // 60 s down
      row('up', '2026-06-15T08:03:00Z'), // next probe 3 hours later: 120 s up, the rest is a gap
      row('up', '2026-06-15T11:00:00Z'), // 120 s up, then a gap
      row('degraded', '2026-06-15T11:59:00Z'), // 60 s until now: answered, so up
      row('down', '2026-06-12T10:00:00Z'), // 60 s down, three days ago
      row('up', '2026-06-12T10:01:00Z'), // 120 s up
    ]);
    // A day long gone from raw history, kept as a rollup: one hour up.
    await t.container.database.db.insert(serviceUptimeDaily).values([
      { service, day: '2026-06-05', upSeconds: 3600, downSeconds: 0 },
      { service, day: '2026-05-10', upSeconds: 0, downSeconds: 5000 }, // older than 30 days: not counted
    ]);

    // The hourly rollup writes the complete days still in raw history (a second run changes nothing);
    // 7 and 30 days add them to yesterday's and today's raw history.
    await writeDailyRollups(t.container.serviceStatus.uptime, [service], noon);
    await writeDailyRollups(t.container.serviceStatus.uptime, [service], noon);
    const days = await t.container.database.db.select().from(serviceUptimeDaily).where(like(serviceUptimeDaily.service, service));
    expect(days.filter((d) => d.day === '2026-06-12')).toEqual([{ service, day: '2026-06-12', upSeconds: 120, downSeconds: 60 }]);

    const figures = (await uptimeFigures(t.container.serviceStatus.uptime, [service], noon)).get(service)!;
    expect(figures.h24).toEqual({ percent: 75, observedPercent: 0.6 }); // 360 s up of 480 s observed
    expect(figures.d7).toEqual({ percent: 72.72, observedPercent: 0.1 }); // 480 of 660
    expect(figures.d30.percent).toBe(95.77); // plus the June 5 rollup: 4080 of 4260

    // A service never probed has no figure rather than 100 %.
    expect((await uptimeFigures(t.container.serviceStatus.uptime, ['monitored:990002'], noon)).get('monitored:990002')?.h24).toEqual({
      percent: null,
      observedPercent: 0,
    });
  });
});

describe('incidents', () => {
  it('turns a service bouncing for half an hour into one incident, one "down" and one "up" message', async () => {
    const svc = await addService('Flappy');
    const published: ServiceIncident[] = [];
    const off = t.container.events.subscribe('status.incident', (i) => i.service === svc.key && published.push(i));
    await step();
    up.Flappy = false;
    await step();
    const firstDownAt = clock.at;
    expect(await incidentsOf(svc.key)).toEqual([]); // one failed probe is not an outage yet
    await step();
    expect(await incidentsOf(svc.key)).toEqual([expect.objectContaining({ startedAt: new Date(firstDownAt), endedAt: null })]);
    for (let i = 0; i < 30; i++) {
      up.Flappy = true;
      await step();
      up.Flappy = false;
      await step();
    }
    const lastDownAt = clock.at;
    up.Flappy = true;
    for (let i = 0; i < 6; i++) await step();

    const incidents = await incidentsOf(svc.key);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.endedAt).toEqual(new Date(lastDownAt + 60_000));
    expect(published.map((i) => (i.endedAt ? 'closed' : 'opened'))).toEqual(['opened', 'closed']);

    await waitFor(async () => messagesAbout('Flappy').length >= 2, 15_000);
    await waitFor(async () => (await deliveriesOf(incidents[0]!.id)).every((d) => d.status === 'delivered'), 15_000);
    expect(messagesAbout('Flappy').sort()).toEqual(['Flappy is back', 'Flappy is down']);
    expect(await deliveriesOf(incidents[0]!.id)).toHaveLength(2);
    const back = hooks.of('ntfy').find((m) => m.body.title === 'Flappy is back')!;
    // Down from the first failed probe to the first answer after the last one: 62 minutes of bouncing.
    expect(lastDownAt + 60_000 - firstDownAt).toBe(62 * 60_000);
    expect(back.body.message).toBe('Flappy is working again after 1 hour, 2 minutes.');
    expect(back.body.click).toBe('http://127.0.0.1:4000/status');

    const page = await statusPage();
    expect(page.incidents).toContainEqual({
      id: incidents[0]!.id,
      service: svc.key,
      name: 'Flappy',
      startedAt: new Date(firstDownAt).toISOString(),
      endedAt: new Date(lastDownAt + 60_000).toISOString(),
      durationSeconds: (lastDownAt + 60_000 - firstDownAt) / 1000,
      affects: [],
      maintenance: false,
      cause: 'answered HTTP 503',
    });
    off();
    await removeService(svc.id);
  });

  it('tells members what a Plex or Overseerr outage affects', async () => {
    const page = await statusPage();
    expect(page.services.find((s) => s.service === 'plex')).toMatchObject({
      name: 'Plex',
      affects: ['Library', 'Play links'],
      status: 'unknown',
    });
    expect((await request(t.app).get('/api/v1/status')).status).toBe(401);
  });
});

describe('maintenance windows', () => {
  it('mark incidents as maintenance, send no outage messages, and set the gauge the alerts are held back by', async () => {
    const svc = await addService('Router');
    const notices: StatusNotices[] = [];
    const off = t.container.events.subscribe('status.notices', (n) => notices.push(n));
    const created = await request(t.app)
      .post('/api/v1/admin/status/maintenance')
      .set('Cookie', admin)
      .send({
        services: [svc.key],
        startsAt: new Date(Math.min(Date.now(), clock.at) - 60_000).toISOString(),
        endsAt: new Date(clock.at + 3 * 3_600_000).toISOString(),
        message: 'New router firmware',
      });
    expect(created.status).toBe(201);
    expect(created.body.maintenance).toMatchObject({ services: [svc.key], serviceNames: ['Router'], message: 'New router firmware' });
    expect(notices.at(-1)?.maintenance).toContainEqual(expect.objectContaining({ id: created.body.maintenance.id }));
    expect(await registrySum('medianest_maintenance_active', { service: svc.key })).toBe(1);
    expect(await registrySum('medianest_maintenance_active', { service: 'plex' })).toBe(0);

    up.Router = false;
    for (let i = 0; i < 3; i++) await step();
    const [incident] = await incidentsOf(svc.key);
    expect(incident).toMatchObject({ maintenance: true, endedAt: null });
    const page = await statusPage();
    expect(page.services.find((s) => s.service === svc.key)).toMatchObject({ status: 'down', inMaintenance: true });
    expect(page.incidents.find((i) => i.id === incident!.id)).toMatchObject({ maintenance: true, endedAt: null });
    up.Router = true;
    for (let i = 0; i < 6; i++) await step();
    expect((await incidentsOf(svc.key))[0]!.endedAt).not.toBeNull();
    expect(await deliveriesOf(incident!.id)).toEqual([]);
    expect(messagesAbout('Router')).toEqual([]);

    const ended = await request(t.app)
      .post(`/api/v1/admin/status/maintenance/${created.body.maintenance.id}/end`)
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(ended.status).toBe(200);
    expect(await registrySum('medianest_maintenance_active', { service: svc.key })).toBe(0);
    expect(notices.at(-1)?.maintenance.some((m) => m.id === created.body.maintenance.id)).toBe(false);
    off();
    await removeService(svc.id);
  });

  it.each([
    [{ services: [], startsAt: '2026-01-01T10:00:00Z', endsAt: '2026-01-01T11:00:00Z', message: 'x' }, 'services'],
    [{ services: ['nas'], startsAt: '2026-01-01T10:00:00Z', endsAt: '2026-01-01T11:00:00Z', message: 'x' }, 'services.0'],
    [{ services: null, startsAt: 'tonight', endsAt: '2026-01-01T11:00:00Z', message: 'x' }, 'startsAt'],
    [{ services: null, startsAt: '2026-01-01T10:00:00Z', endsAt: '2026-01-01T09:00:00Z', message: 'x' }, 'endsAt'],
    [{ services: null, startsAt: '2026-01-01T10:00:00Z', endsAt: '2026-01-01T11:00:00Z', message: ' ' }, 'message'],
  ])('refuses the maintenance window %j with 400 naming %s', async (body, field) => {
    const res = await request(t.app).post('/api/v1/admin/status/maintenance').set('Cookie', admin).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: field }));
  });

  it('refuses a window for a service nobody monitors, and is for admins only', async () => {
    const body = { services: ['monitored:999999'], startsAt: '2026-01-01T10:00:00Z', endsAt: '2026-01-01T11:00:00Z', message: 'x' };
    const res = await request(t.app).post('/api/v1/admin/status/maintenance').set('Cookie', admin).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('monitored:999999');
    expect((await request(t.app).post('/api/v1/admin/status/maintenance').set('Cookie', member.cookie).send(body)).status).toBe(403);
    expect((await request(t.app).get('/api/v1/admin/status/announcements').set('Cookie', member.cookie)).status).toBe(403);
    expect((await request(t.app).post('/api/v1/admin/status/announcements/abc/end').set('Cookie', admin).send({})).status).toBe(400);
    expect((await request(t.app).post('/api/v1/admin/status/announcements/424242/end').set('Cookie', admin).send({})).status).toBe(404);
  });
});

describe('announcements', () => {
  it('reach a connected browser live, and members who chose them by their channel', async () => {
    const server = http.createServer(buildApp(t.container));
    const realtime = attachRealtime(server, {
      events: t.container.events,
      identify: cookieIdentity(t.container.sessions, t.container.users),
      identifyStored: storedSessionIdentity(t.container.sessions, t.container.users),
      redis: t.container.redis,
      keyPrefix: t.config.REDIS_KEY_PREFIX,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const socket: Socket = connect(url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: member.cookie },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('realtime.ready', () => resolve());
        socket.once('connect_error', reject);
      });
      const received: StatusNotices[] = [];
      socket.on('status.notices', (n: StatusNotices) => received.push(n));

      const res = await request(t.app)
        .post('/api/v1/admin/status/announcements')
        .set('Cookie', admin)
        .send({ message: 'Plex restarts tonight at 23:00 for an update', severity: 'warning' });
      expect(res.status).toBe(201);
      const id = res.body.announcement.id as number;
      await waitFor(async () => received.some((n) => n.announcements.some((a) => a.id === id)), 10_000);
      expect(received.at(-1)!.announcements[0]).toMatchObject({
        message: 'Plex restarts tonight at 23:00 for an update',
        severity: 'warning',
      });

      const notices = await request(t.app).get('/api/v1/status/notices').set('Cookie', member.cookie);
      expect(notices.body.announcements).toContainEqual(expect.objectContaining({ id, expiresAt: null }));

      await waitFor(async () => hooks.of('ntfy').some((m) => m.body.message === 'Plex restarts tonight at 23:00 for an update'), 15_000);
      expect(hooks.of('ntfy').find((m) => m.body.message === 'Plex restarts tonight at 23:00 for an update')?.body.title).toBe(
        'Important: announcement from your server',
      );

      const ended = await request(t.app).post(`/api/v1/admin/status/announcements/${id}/end`).set('Cookie', admin).send({});
      expect(ended.status).toBe(200);
      await waitFor(async () => received.length >= 2 && !received.at(-1)!.announcements.some((a) => a.id === id), 10_000);
      expect((await request(t.app).get('/api/v1/status/notices').set('Cookie', member.cookie)).body.announcements).toEqual([]);
    } finally {
      socket.disconnect();
      await realtime.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it.each([
    [{ message: '' }, 'message'],
    [{ message: 'x', severity: 'critical' }, 'severity'],
    [{ message: 'x', expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ message: 'x'.repeat(501) }, 'message'],
  ])('refuses the announcement %j with 400 naming %s', async (body, field) => {
    const res = await request(t.app).post('/api/v1/admin/status/announcements').set('Cookie', admin).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: field }));
  });
});

describe('the Ops page', () => {
  it('shows deliveries per channel and the latest failures without the channel secrets', async () => {
    const secretPath = 'hooks/private-path-Kq83nZ0x';
    const channel = await request(t.app)
      .post('/api/v1/admin/notifications/channels')
      .set('Cookie', admin)
      .send({
        name: 'Broken webhook',
        kind: 'webhook',
        settings: {},
        secrets: { url: `${hooks.url}/${secretPath}`, signingSecret: 'signing-secret-0123456789' },
      });
    expect(channel.status).toBe(201);
    await request(t.app)
      .patch(`/api/v1/notifications/preferences/${channel.body.channel.id}`)
      .set('Cookie', member.cookie)
      .send({ events: ['announcement'], address: null });
    await request(t.app).post('/api/v1/admin/status/announcements').set('Cookie', admin).send({ message: 'Router swap on Sunday' });

    type Summary = { notifications: DeliverySummary };
    let summary: Summary | undefined;
    await waitFor(async () => {
      summary = (await request(t.app).get('/api/v1/admin/observability').set('Cookie', admin)).body as Summary;
      return summary.notifications.recentFailures.some((f) => f.channel === 'Broken webhook');
    }, 15_000);
    const webhook = summary!.notifications.channels.find((c) => c.name === 'Broken webhook')!;
    expect(webhook.kind).toBe('webhook');
    expect(webhook.retrying + webhook.failed).toBeGreaterThanOrEqual(1);
    expect(summary!.notifications.channels.find((c) => c.name === 'House ntfy')?.delivered).toBeGreaterThanOrEqual(2);
    const failure = summary!.notifications.recentFailures.find((f) => f.channel === 'Broken webhook')!;
    expect(failure).toMatchObject({ kind: 'webhook', event: 'announcement' });
    expect(failure.error).toMatch(/404/);
    expect(JSON.stringify(summary!.notifications)).not.toContain('private-path-Kq83nZ0x');
    await request(t.app)
      .delete(`/api/v1/admin/notifications/channels/${channel.body.channel.id}`)
      .set('Cookie', admin)
      .set('X-Requested-With', 'XMLHttpRequest');
  });
});

describe('several replicas', () => {
  it('open one incident and send one message per member and channel, whichever replica sees the outage first', async () => {
    // With PostgreSQL and Redis, a whole second MediaNest (own pool, event bus and planner) on the same
    // database; embedded (one process by design), a second prober on the same database and event bus.
    const second = testMode === 'services' ? await createContainer(t.config) : undefined;
    // A web replica: queues deliveries on the shared queues, which the first one's workers process.
    if (second) await startBackgroundJobs(second, 'web');
    const replica = statusService(second ?? t.container);
    const events: ServiceIncident[] = [];
    const svc = await addService('Shared');
    const offs = [t.container.events, ...(second ? [second.events] : [])].map((bus) =>
      bus.subscribe('status.incident', (i) => i.service === svc.key && events.push(i)),
    );
    try {
      await step([probes, replica]);
      up.Shared = false;
      for (let i = 0; i < 4; i++) await step([probes, replica]);
      up.Shared = true;
      for (let i = 0; i < 6; i++) await step([probes, replica]);
      const incidents = await incidentsOf(svc.key);
      expect(incidents).toHaveLength(1);
      expect(incidents[0]!.endedAt).not.toBeNull();
      expect(events.map((i) => (i.endedAt ? 'closed' : 'opened'))).toEqual(['opened', 'closed']);
      await waitFor(async () => messagesAbout('Shared').length >= 2, 15_000);
      expect(messagesAbout('Shared').sort()).toEqual(['Shared is back', 'Shared is down']);
      expect(await deliveriesOf(incidents[0]!.id)).toHaveLength(2);
    } finally {
      for (const off of offs) off();
      await second?.close();
      await removeService(svc.id);
    }
  });
});
