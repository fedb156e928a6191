import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, prepareTestEnv, type TestApp } from '../../../test/context';
import { loginCookie } from '../../../test/auth-helpers';
import { startTcpProxy, waitFor, type TcpProxy } from '../../../test/tcp-proxy';
import { loadConfig } from '../../config';
import { createContainer } from '../../container';
import { buildApp } from '../../app';
import { register } from '../metrics/catalog';

async function dependencyUp(name: string): Promise<number | undefined> {
  const m = await register.getSingleMetric('medianest_dependency_up')!.get();
  return m.values.find((v) => v.labels.dependency === name)?.value;
}

describe('liveness and readiness on the embedded defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, 'embedded');
  });
  afterAll(() => t.cleanup());

  it('answers liveness without I/O', async () => {
    const res = await request(t.app).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready with the embedded database and no Redis', async () => {
    for (const path of ['/health/ready', '/health']) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.checks.database).toMatchObject({ status: 'up', critical: true });
      expect(res.body.checks.database.latencyMs).toBeGreaterThanOrEqual(0);
      expect(res.body.checks.redis).toEqual({ status: 'not_configured', critical: false });
    }
  });
});

describe('readiness through PostgreSQL and Redis outages', () => {
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let t: TestApp;
  let cleanupEnv: () => Promise<void>;

  beforeAll(async () => {
    pgProxy = await startTcpProxy('127.0.0.1', 5432);
    redisProxy = await startTcpProxy('127.0.0.1', 6379);
    const env = await prepareTestEnv({}, 'services');
    cleanupEnv = () => env.cleanup();
    const dbUrl = new URL(env.env.DATABASE_URL!);
    dbUrl.port = String(pgProxy.port);
    const config = loadConfig({ ...env.env, DATABASE_URL: dbUrl.toString(), REDIS_URL: redisProxy.url('redis') });
    const container = await createContainer(config);
    await container.auth.ensureAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD);
    t = { config, container, app: buildApp(container), cleanup: async () => undefined };
  });
  afterAll(async () => {
    await pgProxy.restore();
    await redisProxy.restore();
    await t.container.close();
    await cleanupEnv();
    await pgProxy.close();
    await redisProxy.close();
  });

  it('turns 503 within 5 s of PostgreSQL becoming unreachable, and 200 again after it returns', async () => {
    expect((await request(t.app).get('/health/ready')).status).toBe(200);
    pgProxy.cut();
    const start = Date.now();
    let body: { status: string; checks: Record<string, { status: string }> } | undefined;
    await waitFor(async () => {
      const res = await request(t.app).get('/health/ready');
      body = res.body;
      return res.status === 503;
    }, 5000);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(body!.status).toBe('unavailable');
    expect(body!.checks.database!.status).toBe('down');
    expect(await dependencyUp('database')).toBe(0);

    await pgProxy.restore();
    await waitFor(async () => (await request(t.app).get('/health/ready')).status === 200, 10_000);
    expect(await dependencyUp('database')).toBe(1);
  });

  it('reports Redis down as degraded within 5 s, keeps users signed in, and recovers', async () => {
    const cookie = await loginCookie(t.app);
    redisProxy.cut();
    const start = Date.now();
    await waitFor(async () => {
      const res = await request(t.app).get('/health/ready');
      return res.status === 200 && res.body.status === 'degraded' && res.body.checks.redis.status === 'down';
    }, 5000);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(await dependencyUp('redis')).toBe(0);

    // Sessions live in the database: nobody is logged out by a Redis outage, and logins still work.
    const session = await request(t.app).get('/api/v1/auth/session').set('Cookie', cookie);
    expect(session.status).toBe(200);
    expect(session.body.user.username).toBe('admin');
    await loginCookie(t.app);
    // The cache keeps working from memory.
    await t.container.cache.set('outage-key', { v: 1 }, 60);
    expect(await t.container.cache.get('outage-key')).toEqual({ v: 1 });

    await redisProxy.restore();
    await waitFor(async () => {
      const res = await request(t.app).get('/health/ready');
      return res.body.status === 'ok';
    }, 10_000);
    expect(await dependencyUp('redis')).toBe(1);
  });
});
