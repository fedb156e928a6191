/**
 * A PostgreSQL that stops answering (the host is wedged: connections stay open,
 * nothing comes back) costs a member at most the query timeout, answered as a
 * 503 that says so; once the database breaker has opened, members get that 503
 * at once; and all of it clears by itself when the database answers again.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { createContainer, type Container } from '../container';
import { loginCookie } from '../../test/auth-helpers';
import { prepareTestEnv, type TestEnv } from '../../test/context';
import { captureLogs } from '../../test/metrics-helpers';
import { startTcpProxy, waitFor, type TcpProxy } from '../../test/tcp-proxy';
import { classifyDatabaseOutage } from './availability';

let env: TestEnv;
let proxy: TcpProxy;
let container: Container;
let app: Express;

beforeAll(async () => {
  // Probes every 1.5 s (3 failures open the breaker), queries give up after 1 s: the first member
  // request after the hang meets the query timeout, later ones the open breaker.
  env = await prepareTestEnv(
    { HEALTH_PROBE_INTERVAL_MS: '1500', DATABASE_QUERY_TIMEOUT_MS: '1000', BREAKER_RESET_TIMEOUT_MS: '500' },
    'services',
  );
  const target = new URL(env.env.DATABASE_URL!);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  target.port = String(proxy.port);
  const config = loadConfig({ ...env.env, DATABASE_URL: target.toString() });
  container = await createContainer(config);
  await container.auth.ensureAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD);
  app = buildApp(container);
});

afterAll(async () => {
  await proxy?.restore();
  await container?.close();
  await proxy?.close();
  await env?.cleanup();
});

it('answers a clear 503 instead of hanging, fails fast once the breaker opens, and recovers by itself', async () => {
  const cookie = await loginCookie(app);
  const list = () => request(app).get('/api/v1/media/requests').set('Cookie', cookie);
  expect((await list()).status).toBe(200);

  const logs = captureLogs('debug');
  try {
    proxy.hang();
    const timedOut = await list();
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers['retry-after']).toBeDefined();
    expect(timedOut.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { service: 'database', reason: 'not_answering' } });
    expect(timedOut.body.error.message).toMatch(/database is not answering/);

    await waitFor(() => container.breakers.states().database === 'open', 20_000);
    const fast = await list();
    expect(fast.status).toBe(503);
    expect(fast.body.error.details).toEqual({ service: 'database', reason: 'breaker_open' });

    // Not a bug of ours: no request is logged as an unhandled error (the breaker's own opening is).
    expect(logs.lines.filter((l) => l.event === 'request.error')).toEqual([]);
  } finally {
    logs.restore();
  }

  await proxy.restore();
  await waitFor(async () => (await list()).status === 200, 20_000, 250);
  await waitFor(() => container.breakers.states().database === 'closed', 20_000);
});

it('recognises the shapes a lost database takes, and nothing else', () => {
  expect(classifyDatabaseOutage(new Error('Query read timeout'))).toBe('not_answering');
  expect(classifyDatabaseOutage(new Error('timeout exceeded when trying to connect'))).toBe('not_answering');
  expect(classifyDatabaseOutage(new Error('Failed query', { cause: new Error('Connection terminated unexpectedly') }))).toBe(
    'not_answering',
  );
  expect(classifyDatabaseOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' }))).toBe(
    'unreachable',
  );
  expect(classifyDatabaseOutage(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
  expect(classifyDatabaseOutage(new Error('something else'))).toBeUndefined();
});
