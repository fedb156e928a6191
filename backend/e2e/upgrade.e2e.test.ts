/**
 * Upgrades keep every row. The previous release (the commit in release/previous-commit, which each release
 * updates) is extracted with `git archive`, installed and built in a cache folder under the system temp
 * directory (by commit, so a rerun reuses it; scripts/previous-release.mjs), and started on a new DATA_DIR. Data of every kind is written
 * through its HTTP API; then it stops, and this build starts on the same DATA_DIR: the migrations apply, no
 * table loses a row, the old session cookie still works or answers a clean 401, and the data shows through
 * this build's API.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedClient } from '../src/db/embedded';
import { startAppProcess, type AppProcess } from '../test/app-process';
import { ADMIN_PASSWORD, prepareTestEnv, type TestEnv, type TestMode } from '../test/context';
import { Permission } from '../test/fakes/fake-overseerr';
import { startUpstreams, type Upstreams } from '../test/fakes/upstreams';

const REPO = path.resolve(__dirname, '../..');
const MEMBER_PASSWORD = 'member-password-123';
const WRITTEN_TABLES = [
  'users',
  'sessions',
  'password_reset_tokens',
  'settings',
  'monitored_services',
  'service_status_history',
  'media_requests',
  'media_request_events',
  'media_issues',
  'notification_channels',
  'notification_preferences',
  'request_followers',
  'announcements',
  'maintenance_windows',
];

/**
 * The previous release's backend/dist/main.js, extracted, installed and built once per commit by
 * scripts/previous-release.mjs (which .ci/run starts early, beside the lint step).
 */
function previousRelease(): string {
  const out = execFileSync(process.execPath, [path.join(REPO, 'scripts/previous-release.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.trim().split('\n').at(-1)!;
}

interface Session {
  cookie: string;
}

/** A JSON answer; each assertion names the fields it reads (the shapes differ between releases). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(app: AppProcess, method: string, url: string, who?: Session, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${app.baseUrl}${url}`, {
    method,
    headers: {
      'x-requested-with': 'medianest-upgrade-test',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(who ? { cookie: who.cookie } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Calls and expects `status`, naming the call and its answer when it differs. */
async function ok(app: AppProcess, method: string, url: string, who: Session | undefined, body: unknown, status: number): Promise<Json> {
  const res = await call(app, method, url, who, body);
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.json)}`).toBe(status);
  return res.json;
}

async function login(app: AppProcess, username: string, password: string): Promise<Session> {
  const res = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status, `login ${username}`).toBe(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  return { cookie: cookie.join('; ') };
}

const TABLES_SQL = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'";

async function countWith(query: (sql: string) => Promise<{ rows: Array<Record<string, unknown>> }>): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const { name } of (await query(TABLES_SQL)).rows) {
    rows[String(name)] = Number((await query(`SELECT count(*)::int AS n FROM "${String(name)}"`)).rows[0]!.n);
  }
  return rows;
}

/** Rows per table of the test's database (the server must be stopped: PGlite allows one process). */
async function countRows(testEnv: TestEnv): Promise<Record<string, number>> {
  if (testEnv.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: testEnv.env.DATABASE_URL });
    await client.connect();
    try {
      return await countWith((sql) => client.query(sql));
    } finally {
      await client.end();
    }
  }
  const client = await openEmbeddedClient(path.join(testEnv.dataDir, 'db'));
  try {
    return await countWith((sql) => client.query(sql));
  } finally {
    await client.close();
  }
}

describe.each<TestMode>(['embedded', 'services'])('upgrading from the previous release (%s)', (mode) => {
  let upstreams: Upstreams | undefined;
  let testEnv: TestEnv | undefined;
  let previousMain: string;
  const running: AppProcess[] = [];

  beforeAll(() => {
    previousMain = previousRelease();
  }, 600_000);

  afterEach(async () => {
    for (const app of running.splice(0)) await app.stop();
    await upstreams?.stop();
    await testEnv?.cleanup();
  });

  it('keeps every row written by the previous release, and shows it through the current API', async () => {
    upstreams = await startUpstreams();
    upstreams.overseerr.setPermissions(upstreams.overseerr.userId('alice@example.com'), Permission.REQUEST | Permission.CREATE_ISSUES);
    // A new DATA_DIR (and, with PostgreSQL, a new database dropped afterwards); the previous release creates its own embedded database.
    testEnv = await prepareTestEnv({ LOG_LEVEL: 'info', ...upstreams.env }, mode);
    fs.rmSync(path.join(testEnv.dataDir, 'db'), { recursive: true, force: true });
    const env = testEnv.env;

    // The previous release writes data of every kind.
    const old = await startAppProcess(env, 90_000, previousMain);
    running.push(old);
    const admin = await login(old, 'admin', ADMIN_PASSWORD);
    const created = await ok(old, 'POST', '/api/v1/admin/users', admin, { username: 'alice', email: 'alice@example.com' }, 201);
    const token = (created.resetLink.url as string).split('#')[1];
    await ok(old, 'POST', '/api/v1/auth/password-reset', undefined, { token, newPassword: MEMBER_PASSWORD }, 200);
    await ok(old, 'POST', '/api/v1/admin/users', admin, { username: 'bob' }, 201); // an unused reset link stays behind
    const alice = await login(old, 'alice', MEMBER_PASSWORD);

    await ok(old, 'POST', '/api/v1/admin/services', admin, { name: 'NAS', url: 'http://127.0.0.1:9/health' }, 201);
    const request = await ok(old, 'POST', '/api/v1/media/requests', alice, { mediaType: 'movie', tmdbId: 550 }, 201);
    const requestId = (request.request ?? request).id as number;
    const issue = await ok(
      old,
      'POST',
      '/api/v1/issues',
      alice,
      { mediaType: 'movie', tmdbId: 603, issueType: 'audio', message: 'The sound is out of sync' },
      201,
    );
    const issueId = (issue.issue ?? issue).id as number;
    await ok(old, 'POST', `/api/v1/issues/${issueId}/comments`, alice, { message: 'From minute 12' }, 200);

    const channel = await ok(
      old,
      'POST',
      '/api/v1/admin/notifications/channels',
      admin,
      {
        name: 'Household hook',
        kind: 'webhook',
        enabled: true,
        settings: {},
        secrets: { url: 'http://127.0.0.1:9/hook', signingSecret: 'a-signing-secret-of-16+' },
      },
      201,
    );
    const channelId = (channel.channel ?? channel).id as number;
    await ok(old, 'PATCH', `/api/v1/notifications/preferences/${channelId}`, alice, { events: ['request.available'] }, 200);
    await ok(old, 'POST', `/api/v1/notifications/follows/${requestId}`, alice, undefined, 200);

    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    await ok(
      old,
      'POST',
      '/api/v1/admin/status/maintenance',
      admin,
      { services: ['plex'], startsAt: iso(now + 3_600_000), endsAt: iso(now + 7_200_000), message: 'Disk swap tonight' },
      201,
    );
    await ok(old, 'POST', '/api/v1/admin/status/announcements', admin, { message: 'Welcome to the new server', severity: 'info' }, 201);
    expect(await old.stop(), old.output()).toBe(0);
    running.splice(running.indexOf(old), 1);

    const before = await countRows(testEnv);
    // Every table this test writes through the API got rows (alerts, deliveries, push subscriptions and the
    // uptime tables fill from Alertmanager, delivery attempts, browsers and background jobs).
    for (const table of WRITTEN_TABLES) expect(before[table], `rows in ${table} written by the previous release`).toBeGreaterThan(0);

    // The current build on the same data.
    const current = await startAppProcess(env, 90_000);
    running.push(current);
    const oldCookie = await call(current, 'GET', '/api/v1/auth/session', alice);
    if (oldCookie.status === 401) expect(oldCookie.json.error.code).toEqual(expect.any(String));
    else expect(oldCookie).toMatchObject({ status: 200, json: { user: { username: 'alice' } } });
    const adminNow = await login(current, 'admin', ADMIN_PASSWORD);
    const aliceNow = await login(current, 'alice', MEMBER_PASSWORD);

    const users = await ok(current, 'GET', '/api/v1/admin/users', adminNow, undefined, 200);
    expect(users.users.map((u: { username: string }) => u.username).sort()).toEqual(['admin', 'alice', 'bob']);
    const services = await ok(current, 'GET', '/api/v1/admin/services', adminNow, undefined, 200);
    expect(services.services).toEqual([expect.objectContaining({ name: 'NAS' })]);
    const requests = await ok(current, 'GET', '/api/v1/media/requests', aliceNow, undefined, 200);
    expect(requests.requests).toEqual([expect.objectContaining({ id: requestId, tmdbId: 550 })]);
    const issueNow = await ok(current, 'GET', `/api/v1/issues/${issueId}`, aliceNow, undefined, 200);
    expect(JSON.stringify(issueNow)).toContain('From minute 12');
    const channels = await ok(current, 'GET', '/api/v1/admin/notifications/channels', adminNow, undefined, 200);
    expect(channels.channels).toEqual([expect.objectContaining({ id: channelId, name: 'Household hook', kind: 'webhook' })]);
    const follow = await ok(current, 'GET', `/api/v1/notifications/follows/${requestId}`, aliceNow, undefined, 200);
    expect(JSON.stringify(follow)).toContain('true');
    const maintenance = await ok(current, 'GET', '/api/v1/admin/status/maintenance', adminNow, undefined, 200);
    expect(maintenance.maintenance).toEqual([expect.objectContaining({ message: 'Disk swap tonight' })]);
    const announcements = await ok(current, 'GET', '/api/v1/admin/status/announcements', adminNow, undefined, 200);
    expect(announcements.announcements).toEqual([expect.objectContaining({ message: 'Welcome to the new server' })]);
    expect(await current.stop(), current.output()).toBe(0);
    running.splice(running.indexOf(current), 1);

    const after = await countRows(testEnv);
    for (const [table, n] of Object.entries(before)) {
      expect(after[table], `rows in ${table} after the upgrade`).toBeGreaterThanOrEqual(n);
    }
  }, 300_000);
});
