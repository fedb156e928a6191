/**
 * Redis going away under BullMQ: the shared Redis is never stopped; MediaNest
 * talks to it through a TCP proxy this test cuts and restores. Runs in both
 * projects (the embedded one just uses PGlite for the database).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, TEST_REDIS_URL, type TestServer, purgeRedisPrefix } from '../../test/context';
import { captureLogs, registrySum, type CapturedLog } from '../../test/metrics-helpers';
import { startTcpProxy, waitFor, type TcpProxy } from '../../test/tcp-proxy';

const prefix = `mntest:outage:${randomBytes(4).toString('hex')}:`;
let proxy: TcpProxy;
let s: TestServer;
let logs: CapturedLog;

const completed = () => registrySum('medianest_background_jobs_total', { queue: 'service-health', status: 'completed' });

beforeAll(async () => {
  const target = new URL(TEST_REDIS_URL);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
  logs = captureLogs('info');
  s = await startTestServer({ REDIS_URL: proxy.url('redis'), REDIS_KEY_PREFIX: prefix });
});

afterAll(async () => {
  await proxy.restore();
  await s?.cleanup();
  logs?.restore();
  await proxy?.close();
  await purgeRedisPrefix(prefix);
});

describe('BullMQ while Redis is unreachable', () => {
  it('keeps serving, does not crash, and resumes jobs when Redis is back', async () => {
    expect(s.container.jobs.backend).toBe('bullmq');
    expect(s.container.jobs.processing).toBe(true);
    // The scheduler's first run happens at start.
    await waitFor(async () => (await completed()) >= 1, 20_000);

    proxy.cut();
    await waitFor(async () => {
      const res = await fetch(`${s.baseUrl}/health/ready`);
      const body = (await res.json()) as { checks: Record<string, { status: string }> };
      return res.status === 200 && body.checks.redis?.status === 'down';
    }, 15_000);

    // A job added during the outage waits for Redis instead of failing or hanging the caller's process.
    const completedDuringOutage = await completed();
    const enqueued = s.container.jobs.enqueue('service-health');

    // The web process keeps answering: liveness, sign-in (sessions live in the database), scrapes.
    expect((await fetch(`${s.baseUrl}/health/live`)).status).toBe(200);
    const login = await fetch(`${s.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const status = await fetch(`${s.baseUrl}/api/v1/services/status`, { headers: { cookie } });
    expect(status.status).toBe(200);
    const ops = await fetch(`${s.baseUrl}/api/v1/admin/observability`, { headers: { cookie } });
    expect(ops.status).toBe(200);
    const opsBody = (await ops.json()) as { jobs: { queues: { queue: string; waiting: number | null }[] } };
    // Queue depth is unknown while Redis is away, not a made-up zero.
    expect(opsBody.jobs.queues.find((q) => q.queue === 'service-health')?.waiting).toBeNull();
    const scrape = await fetch(s.metricsUrl!);
    expect(scrape.status).toBe(200);
    await scrape.text();
    expect(logs.lines.some((l) => l.event === 'jobs.redis.lost' && l.level === 'warn')).toBe(true);

    await proxy.restore();
    await enqueued;
    await waitFor(async () => (await completed()) > completedDuringOutage, 30_000);
    await waitFor(() => logs.lines.some((l) => l.event === 'jobs.redis.restored'), 10_000);
    // The outage was reported once, not once per reconnect attempt.
    expect(logs.lines.filter((l) => l.event === 'jobs.redis.lost')).toHaveLength(1);
  });
});
