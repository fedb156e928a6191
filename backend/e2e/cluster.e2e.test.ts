/**
 * MediaNest scaled out on this machine, as an operator would run it: Debian's
 * HAProxy in front of two web replicas (`node dist/main.js`, JOBS_MODE=web),
 * one worker (`node dist/main.js`, JOBS_MODE=worker), the machine's
 * PostgreSQL and Redis, and Prometheus scraping all three processes.
 *
 * HAProxy balances round-robin without stickiness: the clients here use the
 * WebSocket transport only (as the web app does first), which needs none. It
 * health-checks /health/ready, so a draining replica leaves the rotation.
 *
 * The rolling restart (every web replica in turn: SIGTERM, drain, exit, start
 * again; SHUTDOWN_DRAIN_MS as deploy/kubernetes/web.yaml sets it) runs under steady HTTP load and a steady stream of events; the
 * failed requests, lost events and the time sockets took to reconnect and
 * recover are printed (and written to the file MEDIANEST_CLUSTER_REPORT names,
 * when set), not asserted as timings.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, purgeRedisPrefix, TEST_PG_URL, TEST_REDIS_URL } from '../test/context';
import { loginOverHttp } from '../test/auth-helpers';
import { DIST_MAIN, assertBuilt } from '../test/app-process';
import { waitFor } from '../test/tcp-proxy';
import { freePort } from '../test/free-port';
import { kubernetesWebShutdown } from './kubernetes-settings';
import { startMonitoringStack, type MonitoringStack } from './monitoring-stack';

const id = randomBytes(4).toString('hex');
const prefix = `mntest:cluster:${id}:`;
const dbName = `medianest_test_cluster_${id}`;
const WEBHOOK_SECRET = 'cluster-webhook-secret';
// The drain the Kubernetes base gives web replicas: the rolling restart here is a rollout there.
const DRAIN_MS = kubernetesWebShutdown().drainMs;
const CHECK_PERIOD_MS = 10_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-cluster-'));

async function adminPg<T>(fn: (c: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(TEST_PG_URL);
  if (database) url.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface Proc {
  name: string;
  child: ChildProcess;
  port?: number;
  metricsPort: number;
  output(): string;
  exited: Promise<number | null>;
}

const procs = new Map<string, Proc>();
let databaseUrl: string;

/** Starts `node dist/main.js` in a role and waits until it says it started. */
async function startNode(name: string, role: 'web' | 'worker', ports: { port?: number; metricsPort: number }): Promise<Proc> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(ports.metricsPort),
    DATA_DIR: path.join(dir, name),
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    JOBS_MODE: role,
    INSTANCE_NAME: name,
    SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
    ADMIN_PASSWORD,
    OVERSEERR_WEBHOOK_SECRET: WEBHOOK_SECRET,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    // Keeps the job's probes to what this test monitors.
    PLEX_TV_URL: 'http://127.0.0.1:9',
    // The service-health job's period: 10 s instead of 60 s, so a few periods pass within the test.
    SERVICE_CHECK_INTERVAL_SECONDS: String(CHECK_PERIOD_MS / 1000),
  };
  if (ports.port !== undefined) env.PORT = String(ports.port);
  const child = spawn(process.execPath, [DIST_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: Proc = { name, child, ...ports, output: () => out, exited };
  procs.set(name, proc);
  const started = role === 'web' ? '"event":"server.started"' : '"event":"worker.started"';
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${out}`);
    return out.includes(started);
  }, 60_000);
  return proc;
}

async function stopNode(name: string): Promise<void> {
  const p = procs.get(name);
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
}

let haproxy: ChildProcess | undefined;
let haproxyLog = '';
let lbUrl: string;
let webPorts: { a: number; b: number; aMetrics: number; bMetrics: number; workerMetrics: number };
let upstream: http.Server;
let upstreamUrl: string;
/** When the monitored URL was probed (by the worker's service-health job). */
const probes: number[] = [];
let stack: MonitoringStack | undefined;
let cookie: string;
let adminId: string;
const sockets: Socket[] = [];

async function startHaproxy(port: number): Promise<void> {
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(
    cfg,
    `global
  log stderr format raw local0 warning
defaults
  mode http
  log global
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # WebSocket connections live long once upgraded.
  timeout tunnel 1h
  # A request that could not reach a replica (connection refused or reset) goes to another one.
  retries 3
  option redispatch
  retry-on conn-failure empty-response response-timeout
frontend medianest
  bind 127.0.0.1:${port}
  default_backend web
backend web
  balance roundrobin
  # A draining replica answers 503 and leaves the rotation; it comes back when ready again.
  option httpchk GET /health/ready
  http-check expect status 200
  # Out after 2 failed checks (2 s, less than the replicas' drain), back after 2 good ones.
  timeout check 3s
  default-server inter 1s fall 2 rise 2
  server web-a 127.0.0.1:${webPorts.a} check
  server web-b 127.0.0.1:${webPorts.b} check
`,
  );
  const check = spawnSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.error) throw new Error(`haproxy is not installed (apt-get install haproxy); .ci/run installs it: ${check.error.message}`);
  if (check.status !== 0) throw new Error(`haproxy config invalid: ${check.stdout}${check.stderr}`);
  haproxy = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  haproxy.stdout!.on('data', (d: Buffer) => (haproxyLog = (haproxyLog + d.toString()).slice(-20_000)));
  haproxy.stderr!.on('data', (d: Buffer) => (haproxyLog = (haproxyLog + d.toString()).slice(-20_000)));
  await waitFor(async () => {
    if (haproxy!.exitCode !== null) throw new Error(`haproxy exited:\n${haproxyLog}`);
    return (await fetch(`${lbUrl}/health/live`).catch(() => undefined))?.ok === true;
  }, 20_000);
}

function open(url: string, options: { reconnection?: boolean } = {}): Socket {
  const socket = connect(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 250,
    reconnectionDelayMax: 1_000,
    extraHeaders: { cookie },
  });
  sockets.push(socket);
  return socket;
}

const connected = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });

/** Media requests of the admin, each moved once by a webhook: one `request.updated` event each. */
async function seedRequests(from: number, count: number): Promise<void> {
  await adminPg(
    (c) =>
      c.query(
        `INSERT INTO media_requests (user_id, media_type, tmdb_id, title, status, overseerr_id)
         SELECT $1, 'movie', 100000 + i, 'Movie ' || i, 'pending', 100000 + i FROM generate_series($2::int, $3::int) AS i`,
        [adminId, from, from + count - 1],
      ),
    dbName,
  );
}

/** The stored id of the request with this Overseerr id (what `request.updated` carries). */
async function storedIds(): Promise<Map<number, number>> {
  const rows = await adminPg(
    async (c) => (await c.query<{ id: number; overseerr_id: number }>('SELECT id, overseerr_id FROM media_requests')).rows,
    dbName,
  );
  return new Map(rows.map((r) => [r.overseerr_id - 100_000, r.id]));
}

async function approve(baseUrl: string, overseerrId: number): Promise<boolean> {
  const res = await fetch(`${baseUrl}/api/v1/webhooks/overseerr`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: WEBHOOK_SECRET },
    body: JSON.stringify({
      notification_type: 'MEDIA_APPROVED',
      subject: 'x',
      request: { request_id: String(100_000 + overseerrId) },
      media: null,
    }),
  }).catch(() => undefined);
  if (!res?.ok) return false;
  const body = (await res.json()) as { matched?: boolean };
  return body.matched === true;
}

beforeAll(async () => {
  assertBuilt();
  upstream = http.createServer((_req, res) => {
    probes.push(Date.now());
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}/`;

  await adminPg((c) => c.query(`CREATE DATABASE ${dbName}`));
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${dbName}`;
  databaseUrl = url.toString();

  const [a, b, aMetrics, bMetrics, workerMetrics, lbPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  webPorts = { a, b, aMetrics, bMetrics, workerMetrics };
  lbUrl = `http://127.0.0.1:${lbPort}`;
  // The first replica creates the schema and the administrator; then the others start.
  await startNode('web-a', 'web', { port: a, metricsPort: aMetrics });
  await Promise.all([
    startNode('web-b', 'web', { port: b, metricsPort: bMetrics }),
    startNode('worker', 'worker', { metricsPort: workerMetrics }),
  ]);
  await startHaproxy(lbPort);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await stack?.stop();
  if (haproxy && haproxy.exitCode === null) {
    haproxy.kill('SIGTERM');
    await new Promise((r) => haproxy!.once('exit', r));
  }
  await Promise.all([...procs.keys()].map(stopNode));
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
  await adminPg((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
  await purgeRedisPrefix(prefix);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('two web replicas and a worker behind HAProxy', () => {
  it('keeps a session created through one replica valid on the other, and through the load balancer', async () => {
    const a = `http://127.0.0.1:${webPorts.a}`;
    const b = `http://127.0.0.1:${webPorts.b}`;
    cookie = await loginOverHttp(a);
    const onB = await fetch(`${b}/api/v1/auth/session`, { headers: { cookie } });
    expect(onB.status).toBe(200);
    const me = (await onB.json()) as { user: { id: string; username: string } };
    expect(me.user.username).toBe('admin');
    adminId = me.user.id;
    for (let i = 0; i < 4; i++) expect((await fetch(`${lbUrl}/api/v1/auth/session`, { headers: { cookie } })).status).toBe(200);
  });

  it('delivers an event raised on replica A to a socket connected to replica B, and one raised by the worker to both', async () => {
    await seedRequests(0, 1);
    const onB = open(`http://127.0.0.1:${webPorts.b}`);
    const onA = open(`http://127.0.0.1:${webPorts.a}`);
    await Promise.all([connected(onB), connected(onA)]);
    const got: number[] = [];
    onB.on('request.updated', (e: { requestId: number; status: string }) => got.push(e.requestId));
    expect(await approve(`http://127.0.0.1:${webPorts.a}`, 0)).toBe(true);
    await waitFor(() => got.length === 1, 10_000);

    // The worker's service-health job announces a newly monitored service's state to every browser.
    const statuses: string[][] = [[], []];
    [onA, onB].forEach((s, i) => s.on('service.status', (e: { service: string }) => statuses[i]!.push(e.service)));
    const res = await fetch(`${lbUrl}/api/v1/admin/services`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Router', url: upstreamUrl, enabled: true }),
    });
    expect(res.status).toBeLessThan(300);
    const { service } = (await res.json()) as { service: { id: number } };
    const monitoredId = service.id;
    await waitFor(() => statuses.every((s) => s.includes(`monitored:${monitoredId}`)), 3 * CHECK_PERIOD_MS);
    onA.disconnect();
    onB.disconnect();
  });

  it('survives a rolling restart of every web replica under steady load: failed requests, lost events, recovery times', async () => {
    const EVENTS = 3_000;
    await seedRequests(1, EVENTS);
    const byOverseerrId = await storedIds();
    const watchers = Array.from({ length: 4 }, () => open(lbUrl, { reconnection: true }));
    await Promise.all(watchers.map(connected));
    const received = watchers.map(() => new Set<number>());
    const recoveries: { ms: number; recovered: boolean }[] = [];
    watchers.forEach((s, i) => {
      s.on('request.updated', (e: { requestId: number }) => received[i]!.add(e.requestId));
      let lostAt = 0;
      s.on('disconnect', () => (lostAt = Date.now()));
      s.on('connect', () => {
        if (lostAt) recoveries.push({ ms: Date.now() - lostAt, recovered: s.recovered });
        lostAt = 0;
      });
    });

    // Steady load through the load balancer: 4 clients, one request each every 50 ms.
    let stop = false;
    let requests = 0;
    const failures: string[] = [];
    const load = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const res = await fetch(`${lbUrl}/api/v1/auth/session`, { headers: { cookie } }).catch((err: Error) => err);
        requests++;
        if (res instanceof Error) failures.push(res.message);
        else if (res.status !== 200) failures.push(`HTTP ${res.status}: ${(await res.text()).slice(0, 80)}`);
        else await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    // A steady stream of events (about 20 a second), raised through the load balancer on whichever replica answers.
    const sentIds: number[] = [];
    let unsent = 0;
    const events = (async () => {
      for (let i = 1; i <= EVENTS && !stop; i++) {
        if (await approve(lbUrl, i)) sentIds.push(byOverseerrId.get(i)!);
        else unsent++;
        await new Promise((r) => setTimeout(r, 40));
      }
    })();

    const restartStarted = Date.now();
    for (const name of ['web-a', 'web-b'] as const) {
      const port = name === 'web-a' ? webPorts.a : webPorts.b;
      const metricsPort = name === 'web-a' ? webPorts.aMetrics : webPorts.bMetrics;
      await new Promise((r) => setTimeout(r, 1_500));
      await stopNode(name);
      await startNode(name, 'web', { port, metricsPort });
      // Back in HAProxy's rotation before the next one goes.
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, 30_000);
      await new Promise((r) => setTimeout(r, 1_500));
    }
    const restartMs = Date.now() - restartStarted;
    stop = true;
    await Promise.all([events, ...load]);
    const sent = sentIds.length;
    // Let the last events arrive.
    await waitFor(() => received.every((r) => sentIds.every((id) => r.has(id))), 15_000).catch(() => undefined);
    const lost = received.map((r) => sentIds.filter((id) => !r.has(id)).length);
    const report = {
      restartMs,
      requests,
      failedRequests: failures.length,
      failureSamples: failures.slice(0, 5),
      eventsSent: sent,
      eventsNotAccepted: unsent,
      lostEventsPerSocket: lost,
      reconnects: recoveries.length,
      recovered: recoveries.filter((r) => r.recovered).length,
      recoveryMs: recoveries.map((r) => r.ms).sort((x, y) => x - y),
    };
    const line = `cluster rolling restart: ${JSON.stringify(report)}`;
    console.log(line);
    if (process.env.MEDIANEST_CLUSTER_REPORT) fs.appendFileSync(process.env.MEDIANEST_CLUSTER_REPORT, line + '\n');

    expect(requests).toBeGreaterThan(0);
    expect(sent).toBeGreaterThan(0);
    // Every watcher was moved off a stopping replica at least once and came back.
    expect(recoveries.length).toBeGreaterThanOrEqual(watchers.length);
    expect(watchers.every((s) => s.connected)).toBe(true);
    expect(report.failedRequests).toBe(0);
    expect(report.eventsNotAccepted).toBe(0);
    expect(lost).toEqual(watchers.map(() => 0));
  });

  it('runs a scheduled job once per period across the cluster, whoever restarted', async () => {
    // The service-health job runs every CHECK_PERIOD_MS; the monitored router was added by an earlier test.
    const PERIOD_MS = CHECK_PERIOD_MS;
    await waitFor(() => probes.length > 0, 3 * PERIOD_MS);
    const first = Math.floor(probes[0]! / PERIOD_MS);
    await waitFor(() => Math.floor(Date.now() / PERIOD_MS) >= first + 4, 6 * PERIOD_MS);
    const perPeriod = new Map<number, number>();
    for (const t of probes) perPeriod.set(Math.floor(t / PERIOD_MS), (perPeriod.get(Math.floor(t / PERIOD_MS)) ?? 0) + 1);
    const complete = [first + 1, first + 2, first + 3].map((p) => perPeriod.get(p) ?? 0);
    console.log(
      `cluster scheduled job: runs per period ${JSON.stringify([...perPeriod.entries()].sort((x, y) => x[0] - y[0]).map(([, n]) => n))}`,
    );
    // Every period has at most one run (the first, partial one included) and every complete period exactly one.
    expect([...perPeriod.values()].every((n) => n <= 1)).toBe(true);
    expect(complete).toEqual([1, 1, 1]);
  });

  it('is scraped by Prometheus as three instances, and the recording rules add them up', async () => {
    stack = await startMonitoringStack({
      medianestMetrics: [webPorts.aMetrics, webPorts.bMetrics, webPorts.workerMetrics].map((p) => `127.0.0.1:${p}`).join(','),
      medianestUrl: lbUrl,
      alertsWebhookToken: 'cluster-alerts-token',
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      exporters: false,
    });
    await waitFor(async () => (await stack!.query('up{job="medianest-backend"} == 1')).length === 3, 30_000);
    // Traffic while Prometheus watches, until its rate shows.
    await waitFor(
      async () => {
        for (let i = 0; i < 10; i++) await fetch(`${lbUrl}/api/v1/auth/session`, { headers: { cookie } });
        const [rate] = await stack!.query('sum(rate(medianest_http_requests_total[1m]))');
        return Number(rate?.value[1] ?? 0) > 0;
      },
      60_000,
      1_000,
    );
    const up = await stack.query('up{job="medianest-backend"}');
    expect(new Set(up.map((s) => s.metric.instance)).size).toBe(3);
    // Both web replicas served traffic.
    await waitFor(async () => (await stack!.query('sum by (instance) (medianest_http_requests_total)')).length >= 2, 30_000);
    // The recording rules aggregate over the instances: one series per job, no instance label.
    await waitFor(async () => (await stack!.query('job:medianest_http_requests:rate5m')).length > 0, 30_000);
    const recorded = await stack.query('{__name__=~"job:medianest_.+"}');
    expect(recorded.length).toBeGreaterThan(0);
    for (const s of recorded) expect(s.metric.instance).toBeUndefined();
  });
});
