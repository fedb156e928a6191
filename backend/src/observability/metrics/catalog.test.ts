import { loginOverHttp } from '../../../test/auth-helpers';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionStore } from '../../features/auth/sessions';
import { startTestServer, testMode, type TestServer } from '../../../test/context';
import { parseExposition, scrape, scrapedSum } from '../../../test/metrics-helpers';
import * as metrics from './catalog';
import { register } from './catalog';

/**
 * The fixed catalog: names, help texts, label names and buckets that the
 * dashboards, alert rules and recording rules are written against. Changing
 * any of them breaks an operator's panels and alerts, so this list is the
 * contract, verbatim.
 */
const FIXED_CATALOG = [
  {
    name: 'medianest_http_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['method', 'endpoint', 'status_code'],
    buckets: [0.01, 0.05, 0.1, 0.3, 0.5, 1, 2, 5],
  },
  {
    name: 'medianest_http_requests_total',
    type: 'counter',
    help: 'Total number of HTTP requests',
    labelNames: ['method', 'endpoint', 'status_code'],
  },
  { name: 'medianest_websocket_connections_active', type: 'gauge', help: 'Number of active WebSocket connections', labelNames: [] },
  {
    name: 'medianest_database_query_duration_seconds',
    type: 'histogram',
    help: 'Database query execution time',
    labelNames: ['operation', 'table', 'status'],
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2],
  },
  { name: 'medianest_database_connections_active', type: 'gauge', help: 'Number of active database connections', labelNames: [] },
  {
    name: 'medianest_redis_operation_duration_seconds',
    type: 'histogram',
    help: 'Redis operation execution time',
    labelNames: ['command', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
  },
  { name: 'medianest_cache_hit_ratio', type: 'gauge', help: 'Cache hit ratio', labelNames: ['cache_type'] },
  {
    name: 'medianest_media_requests_total',
    type: 'counter',
    help: 'Total number of media requests',
    labelNames: ['type', 'status', 'source'],
  },
  { name: 'medianest_user_sessions_active', type: 'gauge', help: 'Number of active user sessions', labelNames: [] },
  {
    name: 'medianest_external_api_duration_seconds',
    type: 'histogram',
    help: 'External API call duration',
    labelNames: ['service', 'operation', 'status'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30],
  },
  {
    name: 'medianest_circuit_breaker_state',
    type: 'gauge',
    help: 'Circuit breaker state (0=closed, 1=open, 2=half-open)',
    labelNames: ['service'],
  },
  { name: 'medianest_background_jobs_total', type: 'counter', help: 'Total number of background jobs', labelNames: ['queue', 'status'] },
  {
    name: 'medianest_background_job_duration_seconds',
    type: 'histogram',
    help: 'Background job execution time',
    labelNames: ['queue', 'job_type'],
    buckets: [1, 5, 10, 30, 60, 300, 900],
  },
] as const;

/** Metrics added beside the fixed catalog: bounded labels only. */
const ADDITIONS = [
  { name: 'medianest_http_requests_in_flight', type: 'gauge', labelNames: [] },
  { name: 'medianest_database_connections_max', type: 'gauge', labelNames: [] },
  { name: 'medianest_background_jobs_waiting', type: 'gauge', labelNames: ['queue'] },
  { name: 'medianest_build_info', type: 'gauge', labelNames: ['version', 'commit', 'node_version'] },
  { name: 'medianest_overseerr_info', type: 'gauge', labelNames: ['version'] },
  { name: 'medianest_dependency_up', type: 'gauge', labelNames: ['dependency'] },
  { name: 'medianest_database_writable', type: 'gauge', labelNames: [] },
  { name: 'medianest_requests_stalled', type: 'gauge', labelNames: [] },
  { name: 'medianest_backup_last_success_timestamp_seconds', type: 'gauge', labelNames: ['database'] },
  { name: 'medianest_request_fulfilment_seconds', type: 'histogram', labelNames: ['type'] },
  { name: 'medianest_log_lines_dropped_total', type: 'counter', labelNames: [] },
  { name: 'medianest_traces_sampled_total', type: 'counter', labelNames: ['decision', 'reason'] },
  { name: 'medianest_trace_spans_dropped_total', type: 'counter', labelNames: [] },
  { name: 'medianest_logins_total', type: 'counter', labelNames: ['method', 'result'] },
  { name: 'medianest_auth_failures_total', type: 'counter', labelNames: ['reason'] },
  { name: 'medianest_auth_password_checks_total', type: 'counter', labelNames: [] },
  { name: 'medianest_notifications_total', type: 'counter', labelNames: ['channel', 'event', 'outcome'] },
  { name: 'medianest_notification_delivery_seconds', type: 'histogram', labelNames: ['channel'] },
  { name: 'medianest_maintenance_active', type: 'gauge', labelNames: ['service'] },
  { name: 'medianest_plex_streams', type: 'gauge', labelNames: ['decision', 'location'] },
  { name: 'medianest_plex_transcodes', type: 'gauge', labelNames: ['hardware', 'video_decision', 'hw_requested'] },
  { name: 'medianest_plex_transcodes_below_realtime', type: 'gauge', labelNames: ['hardware'] },
  { name: 'medianest_plex_bandwidth_bytes_per_second', type: 'gauge', labelNames: ['location'] },
  { name: 'medianest_plex_upload_capacity_bytes_per_second', type: 'gauge', labelNames: [] },
  { name: 'medianest_plex_wan_bandwidth_alert_ratio', type: 'gauge', labelNames: [] },
  { name: 'medianest_plex_session_starts_total', type: 'counter', labelNames: ['decision', 'location'] },
  { name: 'medianest_plex_library_items', type: 'gauge', labelNames: ['library_type'] },
  { name: 'medianest_plex_notification_socket_state', type: 'gauge', labelNames: ['state'] },
  { name: 'medianest_plex_notification_reconnects_total', type: 'counter', labelNames: [] },
] as const;

const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];

interface MetricShape {
  name: string;
  help: string;
  labelNames: string[];
  buckets?: number[];
}

async function shapeOf(name: string): Promise<MetricShape & { type: string }> {
  const metric = register.getSingleMetric(name) as unknown as MetricShape | undefined;
  if (!metric) throw new Error(`${name} is not registered`);
  const { type } = await (metric as unknown as { get(): Promise<{ type: string }> }).get();
  return { name: metric.name, help: metric.help, labelNames: [...metric.labelNames], buckets: metric.buckets, type };
}

/** Finds promtool the way CI installs it (Debian's prometheus package); a missing promtool fails the test. */
function findPromtool(): string | undefined {
  const candidates = [
    process.env.PROMTOOL,
    ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'promtool')),
    '/usr/bin/promtool',
  ];
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.cleanup());

const login = () => loginOverHttp(server.baseUrl);

describe('the metric catalog', () => {
  it.each(FIXED_CATALOG)('$name keeps the name, help, labels and buckets dashboards and alerts rely on', async (expected) => {
    const actual = await shapeOf(expected.name);
    expect(actual.type).toBe(expected.type);
    expect(actual.help).toBe(expected.help);
    expect(actual.labelNames).toEqual(expected.labelNames);
    if ('buckets' in expected) {
      // Buckets may be added below the fixed lowest one (latencies far below it), never above or between.
      const added = actual.buckets!.slice(0, actual.buckets!.length - expected.buckets.length);
      expect(actual.buckets!.slice(added.length)).toEqual(expected.buckets);
      for (const bound of added) expect(bound).toBeLessThan(expected.buckets[0]);
    }
  });

  // Jobs take tens of milliseconds and upstream calls a few: with only the fixed buckets (lowest 1 s, 0.1 s)
  // the p95 panels could only show an interpolated bucket edge (0.95 s for a 21 ms job).
  it.each([
    ['medianest_background_job_duration_seconds', 0.021],
    ['medianest_external_api_duration_seconds', 0.004],
  ])('%s resolves a %f s observation with a bucket below it within 2.5x', async (name, seconds) => {
    const { buckets } = await shapeOf(name);
    const upper = buckets!.find((b) => b >= seconds)!;
    expect(upper / seconds).toBeLessThanOrEqual(2.5);
  });

  it('exposes the pool maximum next to the active connections', async () => {
    const samples = await scrape(server.metricsUrl!);
    expect(scrapedSum(samples, 'medianest_database_connections_max')).toBe(testMode === 'services' ? server.config.DATABASE_POOL_MAX : 1);
    expect(scrapedSum(samples, 'medianest_database_connections_active')).toBeLessThanOrEqual(
      scrapedSum(samples, 'medianest_database_connections_max'),
    );
  });

  it('exports every fixed metric under its established variable name', () => {
    const byVariable: Record<string, string> = {
      httpRequestDuration: 'medianest_http_request_duration_seconds',
      httpRequestsTotal: 'medianest_http_requests_total',
      activeConnections: 'medianest_websocket_connections_active',
      databaseQueryDuration: 'medianest_database_query_duration_seconds',
      databaseConnections: 'medianest_database_connections_active',
      redisOperationDuration: 'medianest_redis_operation_duration_seconds',
      cacheHitRatio: 'medianest_cache_hit_ratio',
      mediaRequestsTotal: 'medianest_media_requests_total',
      userSessionsActive: 'medianest_user_sessions_active',
      externalApiDuration: 'medianest_external_api_duration_seconds',
      circuitBreakerState: 'medianest_circuit_breaker_state',
      backgroundJobsTotal: 'medianest_background_jobs_total',
      backgroundJobDuration: 'medianest_background_job_duration_seconds',
    };
    for (const [variable, name] of Object.entries(byVariable)) {
      expect(register.getSingleMetric(name), name).toBe((metrics as Record<string, unknown>)[variable]);
    }
  });

  it.each(ADDITIONS)('addition $name exists with bounded labels', async (expected) => {
    const actual = await shapeOf(expected.name);
    expect(actual.type).toBe(expected.type);
    expect(actual.labelNames).toEqual(expected.labelNames);
    expect(actual.help.length).toBeGreaterThan(10);
  });

  it('never declares a per-user or raw-path label', () => {
    for (const metric of register.getMetricsAsArray()) {
      const labels = (metric as unknown as MetricShape).labelNames ?? [];
      expect(labels, metric.name).not.toEqual(expect.arrayContaining(['user_id']));
      for (const forbidden of ['user_id', 'user', 'path', 'url', 'session_id', 'ip']) expect(labels, metric.name).not.toContain(forbidden);
    }
  });

  it('carries default metrics with the medianest_ prefix and the fixed GC buckets', async () => {
    // startServer started them.
    for (const name of [
      'medianest_process_resident_memory_bytes',
      'medianest_process_cpu_seconds_total',
      'medianest_nodejs_eventloop_lag_seconds',
      'medianest_nodejs_heap_size_used_bytes',
    ]) {
      expect(register.getSingleMetric(name), name).toBeDefined();
    }
    const gc = await shapeOf('medianest_nodejs_gc_duration_seconds');
    expect(gc.type).toBe('histogram');
    expect(gc.buckets).toEqual(GC_BUCKETS);
    for (const metric of register.getMetricsAsArray()) expect(metric.name).toMatch(/^medianest_/);
  });

  it('passes `promtool check metrics` when scraped from a running server', async () => {
    const promtool = findPromtool();
    expect(promtool, 'promtool is required (Debian package "prometheus"); CI installs it').toBeDefined();
    // Traffic first, so labelled series (histograms with buckets, 404s, unmatched) are in the output.
    const cookie = await login();
    await fetch(`${server.baseUrl}/api/v1/auth/session`, { headers: { cookie } });
    await fetch(`${server.baseUrl}/api/v1/admin/users/nobody`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"role":"user"}',
    });
    await fetch(`${server.baseUrl}/wp-login.php`);
    await server.container.cache.wrap('promtool-check', 60, async () => 1);
    await server.container.cache.get('promtool-check');

    // Prometheus itself scrapes in OpenMetrics; a later text scrape (curl | promtool) must still be valid.
    expect((await fetch(server.metricsUrl!, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } })).status).toBe(200);
    const res = await fetch(server.metricsUrl!);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(
      'medianest_http_request_duration_seconds_bucket{le="0.01",method="PATCH",endpoint="/api/v1/admin/users/:id",status_code="404"}',
    );
    const check = spawnSync(promtool!, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });
});

describe('metrics move when their event happens (scraped from /metrics)', () => {
  it('counts a request under its route template with its status code', async () => {
    const cookie = await login();
    const labels = { method: 'PATCH', endpoint: '/api/v1/admin/users/:id', status_code: '404' };
    const before = scrapedSum(await scrape(server.metricsUrl!), 'medianest_http_requests_total', labels);
    const res = await fetch(`${server.baseUrl}/api/v1/admin/users/no-such-user-${Date.now()}`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"enabled":true}',
    });
    expect(res.status).toBe(404);
    const after = await scrape(server.metricsUrl!);
    expect(scrapedSum(after, 'medianest_http_requests_total', labels)).toBe(before + 1);
    expect(scrapedSum(after, 'medianest_http_request_duration_seconds_count', labels)).toBeGreaterThanOrEqual(before + 1);
    expect(after.some((s) => s.labels.endpoint?.includes('no-such-user'))).toBe(false);
  });

  it('counts sign-in database work by operation and table', async () => {
    const q = 'medianest_database_query_duration_seconds_count';
    const before = await scrape(server.metricsUrl!);
    await login();
    const after = await scrape(server.metricsUrl!);
    for (const labels of [
      { operation: 'select', table: 'users', status: 'success' },
      { operation: 'insert', table: 'sessions', status: 'success' },
    ]) {
      expect(scrapedSum(after, q, labels), JSON.stringify(labels)).toBeGreaterThan(scrapedSum(before, q, labels));
    }
  });

  it('shows sessions as they are created, revoked and expire', async () => {
    const active = async () => scrapedSum(await scrape(server.metricsUrl!), 'medianest_user_sessions_active');
    const start = await active();

    const cookie = await login();
    expect(await active()).toBe(start + 1);

    const out = await fetch(`${server.baseUrl}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(out.status).toBe(204);
    expect(await active()).toBe(start);

    const admin = await server.container.users.findByUsername('admin');
    const shortLived = new SessionStore(server.container.database, 1500);
    await shortLived.create(admin!.id, {});
    expect(await active()).toBe(start + 1);
    await vi.waitFor(async () => expect(await active()).toBe(start), { timeout: 5000, interval: 100 });
  });

  it(`reports the cache hit ratio for the ${testMode === 'services' ? 'redis' : 'memory'} cache`, async () => {
    const cacheType = testMode === 'services' ? 'redis' : 'memory';
    const key = `ratio-${Date.now()}`;
    await server.container.cache.get(key); // miss
    await server.container.cache.set(key, { v: 1 }, 60);
    await server.container.cache.get(key); // hit
    const samples = await scrape(server.metricsUrl!);
    const ratio = samples.find((s) => s.name === 'medianest_cache_hit_ratio' && s.labels.cache_type === cacheType);
    expect(ratio).toBeDefined();
    expect(ratio!.value).toBeGreaterThan(0);
    expect(ratio!.value).toBeLessThan(1);
  });

  it('reports the build that is running and the dependencies readiness saw', async () => {
    await fetch(`${server.baseUrl}/health/ready`);
    const samples = await scrape(server.metricsUrl!);
    const build = samples.find((s) => s.name === 'medianest_build_info');
    expect(build?.labels).toMatchObject({ node_version: process.version });
    expect(scrapedSum(samples, 'medianest_dependency_up', { dependency: 'database' })).toBe(1);
    if (testMode === 'services') expect(scrapedSum(samples, 'medianest_dependency_up', { dependency: 'redis' })).toBe(1);
    else expect(samples.some((s) => s.name === 'medianest_dependency_up' && s.labels.dependency === 'redis')).toBe(false);
  });

  it('parses every line of the scrape (no malformed samples)', async () => {
    const body = await (await fetch(server.metricsUrl!)).text();
    expect(() => parseExposition(body)).not.toThrow();
  });
});
