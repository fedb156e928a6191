import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app';
import { createProcessLogger, logger, setLogger, type Logger } from '../../observability/logging/logger';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { startTestServer, type TestServer } from '../../../test/context';
import { waitFor } from '../../../test/tcp-proxy';
import { ClusterOps } from './cluster-ops';

const TOKEN = 'ops-alert-token';
let s: TestServer;
let admin: string;
let viewer: string;
let previousLogger: Logger;
let closeLogging: (ms: number) => Promise<void>;

beforeAll(async () => {
  // The process logger as main.ts builds it (console off), so error lines reach the Ops page's buffer.
  previousLogger = logger();
  const processLogger = await createProcessLogger({ level: 'info', version: 'test', environment: 'test', format: 'json', console: false });
  setLogger(processLogger.logger);
  closeLogging = (ms) => processLogger.close(ms);
  s = await startTestServer({ ALERTS_WEBHOOK_TOKEN: TOKEN });
  const app = buildApp(s.container);
  admin = await loginCookie(app);
  viewer = (await createUser(app, s.container, 'viewer')).cookie;
});
afterAll(async () => {
  await s.cleanup();
  setLogger(previousLogger);
  await closeLogging(1_000);
});

const api = (path: string, init: RequestInit & { cookie?: string } = {}) =>
  fetch(s.baseUrl + path, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...(init.cookie ? { cookie: init.cookie } : {}) },
  });

type Summary = { requests: number; requestsPerSecond: number; errorRate: number | null; p95Ms: number | null };
interface OpsBody {
  scope: 'cluster' | 'process';
  instance: string;
  http: Record<'last5m' | 'last60m', Summary> & {
    series: { t: number; requestsPerSecond: number; errorRate: number | null; p95Ms: number | null }[];
  };
  instances: {
    instance: string;
    role: string;
    live: boolean;
    http: Record<'last5m' | 'last60m', Summary>;
    breakers: { service: string; state: string }[];
  }[];
  dependencies: { status: string; checks: Record<string, { status: string }> };
  breakers: { service: string; state: string }[];
  jobs: { backend: string; processing: boolean; queues: { queue: string; waiting: number | null; counts: Record<string, number> }[] };
  webVitals: { route: string; metric: string; p75: number }[];
  alerts: { fingerprint: string; status: string }[];
  recentErrors: { message: string; traceId: string | null; event: string | null }[];
}

async function ops(): Promise<OpsBody> {
  const res = await api('/api/v1/admin/observability', { cookie: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as OpsBody;
}

describe('GET /api/v1/admin/observability', () => {
  it('is for admins only', async () => {
    expect((await api('/api/v1/admin/observability')).status).toBe(401);
    expect((await api('/api/v1/admin/observability', { cookie: viewer })).status).toBe(403);
  });

  it("shows the process's own traffic, dependencies, breakers and jobs", async () => {
    // Some traffic, including 5xx answers (a member's search on a server without Overseerr answers 503 NOT_CONFIGURED).
    for (let i = 0; i < 5; i++) await api('/api/v1/auth/session');
    for (let i = 0; i < 3; i++) expect((await api('/api/v1/media/search?q=matrix', { cookie: viewer })).status).toBe(503);
    // Jobs started with the server: wait for the first service-health run.
    await waitFor(async () => ((await ops()).jobs.queues.find((q) => q.queue === 'service-health')?.counts.completed ?? 0) >= 1, 20_000);

    const body = await ops();
    expect(body.http.last5m.requests).toBeGreaterThanOrEqual(8);
    expect(body.http.last5m.errorRate).toBeGreaterThan(0);
    expect(body.http.last5m.p95Ms).toBeGreaterThan(0);
    expect(body.http.last60m.requests).toBeGreaterThanOrEqual(body.http.last5m.requests);
    expect(body.dependencies.checks.database?.status).toBe('up');
    expect(Array.isArray(body.breakers)).toBe(true);
    for (const b of body.breakers) expect(['closed', 'open', 'half-open']).toContain(b.state);
    expect(body.jobs.processing).toBe(true);
    expect(body.jobs.backend).toBe(s.container.redis ? 'bullmq' : 'in-process');
    const health = body.jobs.queues.find((q) => q.queue === 'service-health')!;
    expect(health.counts).toMatchObject({ queued: expect.any(Number), active: expect.any(Number), failed: 0 });
    expect(health.waiting).not.toBeNull();
  });

  it('shows Web Vitals p75 per route, alerts firing first, and the latest error lines with trace ids', async () => {
    const vitals = await api('/api/v1/metrics/web-vitals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metrics: [100, 200, 300, 400].map((value) => ({ name: 'INP', value, route: '/admin/ops' })) }),
    });
    expect(vitals.status).toBe(202);

    const alert = (fingerprint: string, status: string, startsAt: string) => ({
      status,
      labels: { alertname: 'HighErrorRate', severity: 'critical' },
      annotations: { summary: 'Errors' },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint,
    });
    const webhook = await api('/api/v1/alerts/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        version: '4',
        status: 'firing',
        receiver: 'medianest',
        alerts: [alert('f1', 'firing', '2024-01-01T00:00:00Z')],
      }),
    });
    expect(webhook.status).toBe(200);
    // Received later, but resolved: listed after the firing one.
    await api('/api/v1/alerts/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        version: '4',
        status: 'resolved',
        receiver: 'medianest',
        alerts: [alert('r1', 'resolved', '2024-01-01T00:00:00Z')],
      }),
    });

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    logger().error({ event: 'ops.test.failure', trace_id: traceId }, 'Something broke while testing');
    logger().warn({ event: 'ops.test.warning' }, 'Only a warning');

    await waitFor(async () => (await ops()).recentErrors.some((e) => e.event === 'ops.test.failure'), 5_000);
    const body = await ops();
    expect(body.webVitals).toContainEqual(expect.objectContaining({ route: '/admin/ops', metric: 'INP', p75: 300 }));
    expect(body.alerts.map((a) => a.fingerprint)).toEqual(['f1', 'r1']);
    expect(body.recentErrors[0]).toMatchObject({ message: 'Something broke while testing', traceId });
    expect(body.recentErrors.some((e) => e.event === 'ops.test.warning')).toBe(false);
  });

  it('adds up every instance with Redis (per-instance breakdown, gone ones marked), shows this process alone without', async () => {
    for (let i = 0; i < 3; i++) await api('/api/v1/auth/session');
    const alone = await ops();
    // One point per minute of the last hour, for the charts.
    expect(alone.http.series).toHaveLength(60);
    expect(alone.http.series.at(-1)!.requestsPerSecond).toBeGreaterThan(0);
    if (!s.container.redis) {
      expect(alone.scope).toBe('process');
      expect(alone.instances).toEqual([expect.objectContaining({ instance: alone.instance, live: true })]);
      return;
    }
    expect(alone.scope).toBe('cluster');

    // A second instance on the same Redis and key prefix (in this test it reads the same in-process figures).
    const other = new ClusterOps(s.container.redis, { instance: 'replica-b', role: 'worker', version: 'test' });
    other.start();
    try {
      await waitFor(async () => (await ops()).instances.length === 2, 10_000);
      const both = await ops();
      const names = both.instances.map((i) => i.instance);
      expect(names).toContain('replica-b');
      expect(names).toContain(both.instance);
      const sum = both.instances.reduce((n, i) => n + i.http.last60m.requests, 0);
      expect(both.http.last60m.requests).toBe(sum);
      expect(both.instances.find((i) => i.instance === 'replica-b')).toMatchObject({
        role: 'worker',
        live: true,
        breakers: expect.any(Array),
      });
    } finally {
      await other.stop();
    }
    // A stopped instance is shown as gone at once.
    expect((await ops()).instances.find((i) => i.instance === 'replica-b')?.live).toBe(false);
  });
});
