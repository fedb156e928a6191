/**
 * The monitoring stack, proven with the real binaries (issue 7): MediaNest,
 * Prometheus and Alertmanager from Debian's packages with the repository's
 * own configs (loopback targets, 1 s scrape and evaluation intervals), and
 * the PostgreSQL, Redis and node exporters. After some traffic every target
 * is up and every dashboard panel's query returns data; then a fault drill:
 * Overseerr starts failing, and ExternalServiceDown and HighErrorRate travel
 * Prometheus → Alertmanager → MediaNest's alert webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/context';
import { startUpstreams, type Upstreams } from '../test/fakes/upstreams';
import { waitFor } from '../test/tcp-proxy';
import { dashboardQueries, startMonitoringStack, type MonitoringStack } from './monitoring-stack';
import { driveTraffic, readAlerts, signIn } from './traffic';

const ALERTS_TOKEN = 'stack-test-alerts-token';
const METRICS_TOKEN = 'stack-test-metrics-token';

let upstreams: Upstreams;
let app: TestServer;
let stack: MonitoringStack;
let admin: string;

beforeAll(async () => {
  upstreams = await startUpstreams();
  app = await startTestServer({
    ...upstreams.env,
    ALERTS_WEBHOOK_TOKEN: ALERTS_TOKEN,
    METRICS_TOKEN,
    BREAKER_RESET_TIMEOUT_MS: '5000',
  }, 'services'); // real PostgreSQL and Redis, so their panels have data
  stack = await startMonitoringStack({
    medianestMetrics: `127.0.0.1:${app.metricsPort}`,
    medianestUrl: app.baseUrl,
    alertsWebhookToken: ALERTS_TOKEN,
    metricsToken: METRICS_TOKEN,
    scrapeInterval: '1s',
    evaluationInterval: '1s',
  });
  admin = await signIn(app.baseUrl, 'admin', ADMIN_PASSWORD);
});

afterAll(async () => {
  await stack?.stop();
  await app?.cleanup();
  await upstreams?.stop();
});

describe('monitoring stack', () => {
  it('scrapes every target and every dashboard panel returns data', async () => {
    await waitFor(async () => {
      const targets = await stack.targets();
      return targets.length === 6 && targets.every((t) => t.health === 'up');
    }, 30_000, 500).catch(async (err: unknown) => {
      throw new Error(`targets not all up: ${JSON.stringify(await stack.targets())} (${String(err)})`);
    });

    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    let empty: string[] = [];
    // Rates need a couple of scrapes of the traffic; keep the traffic coming while polling.
    await waitFor(async () => {
      await driveTraffic(app.baseUrl, admin, upstreams);
      empty = [];
      for (const q of queries) {
        const result = await stack.query(q.expr);
        if (result.length === 0) empty.push(`${q.dashboard} / ${q.panel}: ${q.expr}`);
      }
      return empty.length === 0;
    }, 90_000, 2000).catch(() => undefined);
    expect(empty).toEqual([]);
  });

  it('delivers ExternalServiceDown and HighErrorRate to MediaNest when Overseerr fails', async () => {
    const faultAt = Date.now();
    upstreams.overseerr.failWith(500);
    const received = new Map<string, number>();
    await waitFor(async () => {
      // Users keep searching while Overseerr is down: they get 503s, the breaker opens.
      await driveTraffic(app.baseUrl, admin, upstreams, { searchesOnly: true });
      for (const a of await readAlerts(app.baseUrl, admin)) {
        if (a.status === 'firing' && !received.has(a.alertname)) received.set(a.alertname, Date.now() - faultAt);
      }
      return received.has('ExternalServiceDown') && received.has('HighErrorRate');
    }, 240_000, 1000).catch(() => undefined);
    expect([...received.keys()]).toEqual(expect.arrayContaining(['ExternalServiceDown', 'HighErrorRate']));
    const alerts = await readAlerts(app.baseUrl, admin);
    const down = alerts.find((a) => a.alertname === 'ExternalServiceDown' && a.status === 'firing')!;
    expect(down.labels).toMatchObject({ service: 'overseerr', severity: 'critical' });
    expect(down.annotations.runbook_url).toMatch(/runbooks\.md#/);
    upstreams.overseerr.recover();
  });
});
