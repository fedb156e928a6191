/**
 * The split deployment, for installs that outgrow one process: a web process with JOBS_MODE=web runs
 * no processors; `worker` runs them against the same PostgreSQL and Redis, and
 * what its jobs publish reaches the browsers connected to the web process.
 * Both need Redis and PostgreSQL, so this file brings its own in either project.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import type { DomainEvents } from './realtime/events';
import { startServer, type RunningServer } from './server';
import { loginCookie } from '../test/auth-helpers';
import { createTestApp, prepareTestEnv, TEST_PG_URL, TEST_REDIS_URL, type TestEnv, purgeRedisPrefix } from '../test/context';
import { waitFor } from '../test/tcp-proxy';
import { buildApp } from './app';
import { startBackgroundJobs } from './background-jobs';
import { createJobQueue } from './jobs/create-job-queue';
import { startWorkerProcess, type RunningWorker } from './worker-process';

const id = randomBytes(4).toString('hex');
const prefix = `mntest:worker:${id}:`;
const dbName = `medianest_test_worker_${id}`;

async function adminPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let upstream: http.Server;
let upstreamUrl: string;
let env: TestEnv;
let web: RunningServer | undefined;
let worker: RunningWorker | undefined;
let socket: Socket | undefined;

beforeAll(async () => {
  upstream = http.createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  await adminPg((c) => c.query(`CREATE DATABASE ${dbName}`));
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${dbName}`;
  env = await prepareTestEnv({ DATABASE_URL: url.toString(), REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, JOBS_MODE: 'web' });
});

afterAll(async () => {
  socket?.disconnect();
  await worker?.stop();
  await web?.stop();
  await env.cleanup();
  await adminPg((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  await purgeRedisPrefix(prefix);
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

describe('worker process', () => {
  it('refuses to start without Redis or without a shared PostgreSQL', async () => {
    const base = { ...env.env, DATA_DIR: env.dataDir };
    await expect(startWorkerProcess(loadConfig({ ...base, REDIS_URL: '' }))).rejects.toThrow(ConfigError);
    await expect(startWorkerProcess(loadConfig({ ...base, REDIS_URL: '' }))).rejects.toThrow(/REDIS_URL/);
    await expect(startWorkerProcess(loadConfig({ ...base, DATABASE_URL: '' }))).rejects.toThrow(/DATABASE_URL/);
  });

  it('runs the jobs a JOBS_MODE=web process leaves alone; their events reach the web process’s browsers', async () => {
    web = await startServer(loadConfig(env.env));
    expect(web.container.jobs.backend).toBe('bullmq');
    expect(web.container.jobs.processing).toBe(false);

    const monitored = await web.container.serviceStatus.monitored.create({ name: 'Router', url: upstreamUrl, enabled: true });
    const key = `monitored:${monitored.id}`;
    const baseUrl = `http://127.0.0.1:${web.port}`;
    const cookie = await loginCookie(buildApp(web.container));
    socket = connect(baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', resolve);
      socket!.once('connect_error', reject);
    });
    const statuses: DomainEvents['service.status'][] = [];
    socket.on('service.status', (e: DomainEvents['service.status']) => statuses.push(e));

    worker = await startWorkerProcess(loadConfig(env.env));
    expect(worker.container.jobs.processing).toBe(true);

    // The worker's service-health run probes the router and publishes the change; it reaches the web process's browsers through Redis.
    await waitFor(() => statuses.some((e) => e.service === key && e.status === 'up'), 20_000);
    const res = await fetch(`${baseUrl}/api/v1/services/status`, { headers: { cookie } });
    const body = (await res.json()) as { services: { service: string; status: string }[] };
    expect(body.services).toContainEqual(expect.objectContaining({ service: key, status: 'up' }));
  });

  it('processes in the web process when JOBS_MODE=web is set without Redis', async () => {
    const t = await createTestApp();
    const jobs = createJobQueue(t.config, undefined);
    try {
      await startBackgroundJobs({ ...t.container, jobs }, 'web');
      expect(jobs.backend).toBe('in-process');
      expect(jobs.processing).toBe(true);
    } finally {
      await jobs.close(1_000);
      await t.cleanup();
    }
  });
});
