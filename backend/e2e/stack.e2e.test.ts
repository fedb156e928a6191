/**
 * The monitoring stack, proven with the real binaries (issue 7): MediaNest,
 * Prometheus and Alertmanager from Debian's packages with the repository's
 * own configs (loopback targets, 1 s scrape and evaluation intervals), and
 * the PostgreSQL, Redis and node exporters. After some traffic every target
 * is up and every dashboard panel's query returns data; then the upstream
 * failing Overseerr that must bring ExternalServiceDown and HighErrorRate
 * through Prometheus → Alertmanager → MediaNest's alert webhook; then the
 * upstream fault suite (e2e/fault-cases.ts: hang, slow, refused,
 * unresolvable host, reset mid-response, malformed 200, 5xx burst,
 * flapping), each of which must bring ExternalServiceDown the same way and
 * clear by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/context';
import { EVENING_UPLOAD_CAPACITY_MBPS, startEvening } from '../test/fakes/plex-evening';
import type { Upstreams } from '../test/fakes/upstreams';
import { HttpReceivers } from '../test/receivers/notification-receivers';
import { waitFor } from '../test/tcp-proxy';
import { faultCases, memberTraffic, startFaultRig, type FaultCase, type FaultRig } from './fault-cases';
import { dashboardQueries, startMonitoringStack, type MonitoringStack } from './monitoring-stack';
import { driveTraffic, readAlerts, signIn } from './traffic';

const ALERTS_TOKEN = 'stack-test-alerts-token';
const METRICS_TOKEN = 'stack-test-metrics-token';

let rig: FaultRig;
let upstreams: Upstreams;
let app: TestServer;
let stack: MonitoringStack;
let admin: string;
let receivers: HttpReceivers;

beforeAll(async () => {
  rig = await startFaultRig();
  upstreams = rig.upstreams;
  // An evening on Plex (three streams: direct play, GPU transcode, WAN), so the Plex playback panels have data.
  startEvening(upstreams.plex.playback);
  app = await startTestServer(
    {
      ...rig.env,
      ALERTS_WEBHOOK_TOKEN: ALERTS_TOKEN,
      METRICS_TOKEN,
      // As in production: a tripped breaker stays open longer than ExternalServiceDown's `for:` (15 s) plus
      // Alertmanager's group_wait (10 s), so even a flapping upstream's alert reaches the receiver.
      BREAKER_RESET_TIMEOUT_MS: '30000',
      UPSTREAM_TIMEOUT_MS: '3000',
      UPSTREAM_CONNECT_TIMEOUT_MS: '1000',
      HEALTH_PROBE_INTERVAL_MS: '1000',
      PLEX_PLAYBACK_ENABLED: 'true',
      PLEX_UPLOAD_CAPACITY_MBPS: String(EVENING_UPLOAD_CAPACITY_MBPS),
    },
    'services', // real PostgreSQL and Redis, so their panels have data
    { lookup: rig.dns.lookup },
  );
  stack = await startMonitoringStack({
    medianestMetrics: `127.0.0.1:${app.metricsPort}`,
    medianestUrl: app.baseUrl,
    alertsWebhookToken: ALERTS_TOKEN,
    metricsToken: METRICS_TOKEN,
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    // Each upstream meets several faults in a row: the previous fault's resolution must arrive within seconds,
    // not at the production group_interval (1 m for pages).
    groupInterval: '5s',
  });
  admin = await signIn(app.baseUrl, 'admin', ADMIN_PASSWORD);
  // A notification channel and one test message, so the notification panels have data.
  receivers = new HttpReceivers('stack-test-signing-secret');
  await receivers.start();
  const post = (path: string, body: unknown) =>
    fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin },
      body: JSON.stringify(body),
    });
  const channel = (await (
    await post('/api/v1/admin/notifications/channels', {
      name: 'ntfy',
      kind: 'ntfy',
      settings: { serverUrl: `${receivers.url}/ntfy`, topic: 'stack' },
    })
  ).json()) as { channel: { id: number } };
  await (await post(`/api/v1/admin/notifications/channels/${channel.channel.id}/test`, {})).arrayBuffer();
});

afterAll(async () => {
  await stack?.stop();
  await app?.cleanup();
  await rig?.stop();
  await receivers?.stop();
});

describe('monitoring stack', () => {
  it('scrapes every target and every dashboard panel returns data', async () => {
    await waitFor(
      async () => {
        const targets = await stack.targets();
        return targets.length === 6 && targets.every((t) => t.health === 'up');
      },
      30_000,
      500,
    ).catch(async (err: unknown) => {
      throw new Error(`targets not all up: ${JSON.stringify(await stack.targets())} (${String(err)})`);
    });

    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    let empty: string[] = [];
    // Rates need a couple of scrapes of the traffic; keep the traffic coming while polling.
    await waitFor(
      async () => {
        await driveTraffic(app.baseUrl, admin, upstreams);
        empty = [];
        for (const q of queries) {
          const result = await stack.query(q.expr);
          if (result.length === 0) empty.push(`${q.dashboard} / ${q.panel}: ${q.expr}`);
        }
        return empty.length === 0;
      },
      90_000,
      2000,
    ).catch(() => undefined);
    expect(empty).toEqual([]);
  });

  it('delivers ExternalServiceDown and HighErrorRate to MediaNest when Overseerr fails', async () => {
    const faultAt = Date.now();
    upstreams.overseerr.failWith(500);
    const received = new Map<string, number>();
    await waitFor(
      async () => {
        // Users keep searching while Overseerr is down: they get 503s, the breaker opens.
        await driveTraffic(app.baseUrl, admin, upstreams, { searchesOnly: true });
        for (const a of await readAlerts(app.baseUrl, admin)) {
          // This fault's alerts only (the fault suite before it paged for other breakers).
          const ours = Date.parse(a.receivedAt) >= faultAt && (a.alertname !== 'ExternalServiceDown' || a.labels.breaker === 'overseerr');
          if (a.status === 'firing' && ours && !received.has(a.alertname)) received.set(a.alertname, Date.now() - faultAt);
        }
        return received.has('ExternalServiceDown') && received.has('HighErrorRate');
      },
      240_000,
      1000,
    ).catch(() => undefined);
    expect([...received.keys()]).toEqual(expect.arrayContaining(['ExternalServiceDown', 'HighErrorRate']));
    const alerts = await readAlerts(app.baseUrl, admin);
    const down = alerts.find((a) => a.alertname === 'ExternalServiceDown' && a.status === 'firing' && a.labels.breaker === 'overseerr')!;
    expect(down.labels).toMatchObject({ service: 'overseerr', severity: 'critical' });
    expect(down.annotations.runbook_url).toMatch(/runbooks\.md#/);
    upstreams.overseerr.recover();
  });

  it('delivers ExternalServiceDown for every upstream fault case, and every breaker closes again by itself', async () => {
    const breakerOpen = async (upstream: string) =>
      (await stack.query(`medianest_circuit_breaker_state{service="${upstream}"} > 0`)).length > 0;
    const outcomes: Record<string, { received: boolean; memberStatuses: number[]; recovered: boolean }> = {};
    const runCase = async (fault: FaultCase) => {
      // The previous case on this upstream has cleared by itself (no restart, no member action needed): its breaker
      // closed and the alert's resolution reached the webhook, so Alertmanager starts a fresh group for this one.
      const recovered = await waitFor(
        async () =>
          !(await breakerOpen(fault.upstream)) &&
          !(await readAlerts(app.baseUrl, admin)).some(
            (a) => a.alertname === 'ExternalServiceDown' && a.status === 'firing' && a.labels.breaker === fault.upstream,
          ),
        180_000,
        1000,
      ).then(
        () => true,
        () => false,
      );
      const faultAt = Date.now();
      await fault.inject();
      const memberStatuses = new Set<number>();
      let rounds = 0;
      const received = await waitFor(
        async () => {
          // Sign-in attempts (plex.tv) are rate-limited per client: a few are enough to trip the breaker.
          if (fault.upstream !== 'plex-tv' || rounds++ < 4) {
            for (const s of await memberTraffic(app.baseUrl, admin, fault.upstream)) memberStatuses.add(s);
          }
          return (await readAlerts(app.baseUrl, admin)).some(
            (a) =>
              a.alertname === 'ExternalServiceDown' &&
              a.status === 'firing' &&
              a.labels.breaker === fault.upstream &&
              Date.parse(a.receivedAt) >= faultAt,
          );
        },
        150_000,
        1000,
      ).then(
        () => true,
        () => false,
      );
      await fault.restore();
      outcomes[fault.name] = { received, memberStatuses: [...memberStatuses].sort(), recovered };
    };
    // The three upstreams fail independently (Alertmanager groups by alertname and service, and each upstream has
    // its own breaker and routes), so each upstream's cases run one after another while the upstreams run side by side.
    const cases = faultCases(rig, { timeoutMs: 3000, flapMs: 20_000 });
    await Promise.all(
      (['overseerr', 'plex-api', 'plex-tv'] as const).map(async (upstream) => {
        for (const fault of cases.filter((c) => c.upstream === upstream)) await runCase(fault);
      }),
    );
    expect(Object.keys(outcomes).sort()).toEqual(cases.map((c) => c.name).sort());
    await waitFor(
      async () => {
        for (const u of ['overseerr', 'plex-api', 'plex-tv']) if (await breakerOpen(u)) return false;
        return true;
      },
      90_000,
      1000,
    );
    for (const [name, o] of Object.entries(outcomes)) {
      expect(o.received, `${name}: ExternalServiceDown received`).toBe(true);
      expect(o.recovered, `${name}: the upstream's previous fault cleared by itself`).toBe(true);
      // Members only ever see a clear 503 (or, between flaps and for rate-limited sign-ins, a success or a 429): never a 500.
      for (const status of o.memberStatuses) expect([200, 201, 429, 503], `${name}: member saw ${status}`).toContain(status);
      expect(o.memberStatuses, `${name}: members saw the outage`).toContain(503);
    }
    // Members are served again once every breaker closed.
    const search = await fetch(`${app.baseUrl}/api/v1/media/search?q=matrix`, { headers: { cookie: admin } });
    expect(search.status).toBe(200);
  }, 1_500_000);
});
