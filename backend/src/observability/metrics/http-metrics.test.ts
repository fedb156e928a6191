import { loginOverHttp } from '../../../test/auth-helpers';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app';
import { startTestServer, type TestServer } from '../../../test/context';
import { registryLabelValues, registrySum } from '../../../test/metrics-helpers';

const TOTAL = 'medianest_http_requests_total';
const DURATION = 'medianest_http_request_duration_seconds';
const IN_FLIGHT = 'medianest_http_requests_in_flight';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.cleanup());

const rand = () => randomBytes(6).toString('hex');
const requests = (labels: Record<string, string>) => registrySum(TOTAL, labels);

const login = () => loginOverHttp(server.baseUrl);

/** Sends a request with any method (fetch refuses some) and returns the status. */
function send(method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.baseUrl}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs `count` jobs, `concurrency` at a time. */
async function inBatches(count: number, concurrency: number, job: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, (_, j) => job(i + j)));
  }
}

describe('endpoint label: the route template, never the raw path', () => {
  it('labels a request by its full template, e.g. PATCH /api/v1/admin/users/:id → 404', async () => {
    const cookie = await login();
    const labels = { method: 'PATCH', endpoint: '/api/v1/admin/users/:id', status_code: '404' };
    const before = await requests(labels);
    const res = await fetch(`${server.baseUrl}/api/v1/admin/users/${randomUUID()}`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"role":"user"}',
    });
    expect(res.status).toBe(404);
    expect(await requests(labels)).toBe(before + 1);
    expect(await registrySum(DURATION, labels, `${DURATION}_count`)).toBe(before + 1);
  });

  it('keeps the template when a route-level guard refuses (401) and when validation fails (400)', async () => {
    const guarded = { method: 'GET', endpoint: '/api/v1/admin/users', status_code: '401' };
    const before = await requests(guarded);
    expect((await fetch(`${server.baseUrl}/api/v1/admin/users`)).status).toBe(401);
    expect(await requests(guarded)).toBe(before + 1);

    const invalid = { method: 'POST', endpoint: '/api/v1/auth/login', status_code: '400' };
    const beforeInvalid = await requests(invalid);
    const res = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await requests(invalid)).toBe(beforeInvalid + 1);
  });

  it('folds case and trailing-slash variants of a path into one template', async () => {
    const labels = { method: 'GET', endpoint: '/api/v1/auth/session', status_code: '401' };
    const before = await requests(labels);
    for (const p of ['/api/v1/auth/session', '/API/V1/auth/session', '/Api/v1/AUTH/session', '/api/v1/auth/session/']) {
      expect(await send('GET', p), p).toBe(401);
    }
    expect(await requests(labels)).toBe(before + 4);
    const endpoints = await registryLabelValues(TOTAL, 'endpoint');
    expect([...endpoints].filter((e) => e.toLowerCase().includes('/auth/session'))).toEqual(['/api/v1/auth/session']);
  });

  it('labels requests that matched no route "unmatched"', async () => {
    const labels = { method: 'GET', endpoint: 'unmatched', status_code: '404' };
    const before = await requests(labels);
    const res = await fetch(`${server.baseUrl}/api/v1/does-not-exist/${rand()}`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
    expect(await requests(labels)).toBe(before + 1);
  });

  it('mounts routers only at literal paths, so the mount part of a template never carries request data', () => {
    const app = buildApp(server.container) as unknown as { router: { stack: Layer[] } };
    interface Layer {
      rawPath?: unknown;
      route?: unknown;
      handle: { stack?: Layer[] };
    }
    const mounts: unknown[] = [];
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        if (!layer.route && layer.handle.stack) {
          mounts.push(layer.rawPath);
          walk(layer.handle.stack);
        }
      }
    };
    walk(app.router.stack);
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts.flat()) {
      expect(typeof mount, String(mount)).toBe('string');
      expect(mount, String(mount)).toMatch(/^\/[a-z0-9/._-]*$/);
    }
  });
});

describe('cardinality', () => {
  it('adds at most 2 endpoint values for 1,000 random unknown paths and 1,000 random user ids', async () => {
    const before = await registryLabelValues(TOTAL, 'endpoint');
    const beforeDuration = await registryLabelValues(DURATION, 'endpoint');
    const scannerPaths = [
      () => `/${rand()}`,
      () => `/api/v1/${rand()}`,
      () => `/api/${rand()}/${rand()}`,
      () => `/wp-admin/${rand()}.php`,
      () => `/.env.${rand()}`,
      () => `/api/v1/auth/${rand()}?token=${rand()}`,
      () => `/static/${rand()}/%2e%2e/${rand()}.js`,
      () => `/API/V1/${rand().toUpperCase()}`,
    ];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
    const statuses: number[] = [];
    // Scanner / API-client style (not asking for HTML, so the SPA shell does not answer).
    await inBatches(1000, 25, async (i) => {
      statuses.push(await send(methods[i % methods.length]!, scannerPaths[i % scannerPaths.length]!(), { accept: 'application/json' }));
    });
    // Unauthenticated PATCHes reach the route (guard → 401); GETs to an id have no route.
    await inBatches(1000, 25, async (i) => {
      statuses.push(await send(i % 2 ? 'PATCH' : 'GET', `/api/v1/admin/users/${i % 3 ? randomUUID() : rand()}`));
    });
    expect(statuses).toHaveLength(2000);
    expect(statuses.every((s) => s < 500)).toBe(true);

    const after = await registryLabelValues(TOTAL, 'endpoint');
    const added = [...after].filter((e) => !before.has(e));
    expect(added.length, `new endpoint values: ${added.join(', ')}`).toBeLessThanOrEqual(2);
    for (const e of added) expect(['unmatched', '/api/v1/admin/users/:id']).toContain(e);
    expect(after.has('/api/v1/admin/users/:id')).toBe(true);
    expect(after.has('unmatched')).toBe(true);
    expect([...(await registryLabelValues(DURATION, 'endpoint'))].filter((e) => !beforeDuration.has(e)).length).toBeLessThanOrEqual(2);
  });

  it('labels browser navigations to random paths with one value (the SPA shell, when a frontend is built)', async () => {
    const before = await registryLabelValues(TOTAL, 'endpoint');
    await inBatches(200, 25, () => send('GET', `/${rand()}/${rand()}`, { accept: 'text/html' }));
    const added = [...(await registryLabelValues(TOTAL, 'endpoint'))].filter((e) => !before.has(e));
    expect(added.length).toBeLessThanOrEqual(1);
    for (const e of added) expect(['unmatched', '/{*clientRoute}']).toContain(e);
  });

  it('collapses unknown methods into OTHER', async () => {
    const before = await registryLabelValues(TOTAL, 'method');
    const other = await requests({ method: 'OTHER' });
    const extensionMethods = ['PROPFIND', 'MKCOL', 'PURGE', 'SEARCH', 'REPORT', 'LOCK', 'TRACE'];
    for (const method of extensionMethods) expect(await send(method, `/api/v1/${rand()}`), method).toBeLessThan(500);
    expect(await requests({ method: 'OTHER' })).toBe(other + extensionMethods.length);
    const added = [...(await registryLabelValues(TOTAL, 'method'))].filter((m) => !before.has(m));
    expect(added.every((m) => m === 'OTHER')).toBe(true);
  });

  it('never sees methods the HTTP parser rejects (e.g. FOO): no series, no count', async () => {
    const before = await registrySum(TOTAL);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('FOO /api/v1/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(await registrySum(TOTAL)).toBe(before);
    expect(await registryLabelValues(TOTAL, 'method')).not.toContain('FOO');
  });
});

describe('request lifecycle', () => {
  it('records a request the client aborted as 499 and brings the in-flight gauge back to 0', async () => {
    const aborted = { method: 'POST', status_code: '499' };
    const before = await requests(aborted);
    expect(await registrySum(IN_FLIGHT)).toBe(0);
    // Headers promise a body that never fully arrives, so the request stays in flight until we hang up.
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":',
      );
    });
    await vi.waitFor(async () => expect(await registrySum(IN_FLIGHT)).toBe(1), { timeout: 5000, interval: 10 });
    socket.destroy();
    await vi.waitFor(async () => expect(await requests(aborted)).toBe(before + 1), { timeout: 5000, interval: 10 });
    expect(await registrySum(IN_FLIGHT)).toBe(0);
  });

  it('returns the in-flight gauge to 0 after many concurrent requests', async () => {
    const cookie = await login();
    await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${server.baseUrl}/api/v1/auth/session`, { headers: { cookie } }).then((r) => r.text())),
    );
    await vi.waitFor(async () => expect(await registrySum(IN_FLIGHT)).toBe(0), { timeout: 2000 });
  });

  it('does not count health or metrics probes', async () => {
    const before = await registrySum(TOTAL);
    for (const p of ['/health/live', '/health/ready', '/health', '/health/live?x=1', '/metrics']) await send('GET', p);
    expect(await registrySum(TOTAL)).toBe(before);
    const endpoints = [...(await registryLabelValues(TOTAL, 'endpoint'))];
    expect(endpoints.some((e) => e.startsWith('/health') || e === '/metrics')).toBe(false);
  });
});
