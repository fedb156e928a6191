/**
 * `npm run drill`: the upstream fault suite (e2e/fault-cases.ts) with
 * production settings — the repository's Prometheus scrape (10 s) and
 * evaluation (15 s) intervals, Alertmanager's real grouping waits,
 * MediaNest's default timeouts, breaker timings and probe interval — plus
 * Redis going away and Redis hanging. Injects the faults one after the
 * other and prints, for each, the time from the fault to the alert arriving
 * at MediaNest's webhook (MTTD). Target: under a minute.
 *
 * Before each case the previous alert about the same service has resolved
 * (MediaNest recovered by itself), so Alertmanager starts a fresh group as
 * it would for a real, first fault.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/context';
import { startTcpProxy, waitFor, type TcpProxy } from '../test/tcp-proxy';
import { faultCases, memberTraffic, startFaultRig, type FaultRig } from './fault-cases';
import { startMonitoringStack, type MonitoringStack } from './monitoring-stack';
import { driveTraffic, readAlerts, signIn } from './traffic';

const ALERTS_TOKEN = 'drill-alerts-token';
const TARGET_MS = 60_000;
/** Production breaker reset timeout (BREAKER_RESET_TIMEOUT_MS default). */
const RESET_MS = 30_000;

let rig: FaultRig;
let redisProxy: TcpProxy;
let app: TestServer;
let stack: MonitoringStack;
let admin: string;
const results: Array<{ fault: string; alert: string; mttdMs: number | undefined }> = [];

beforeAll(async () => {
  rig = await startFaultRig();
  redisProxy = await startTcpProxy('127.0.0.1', 6379);
  const env: Record<string, string | undefined> = { ...rig.env, ALERTS_WEBHOOK_TOKEN: ALERTS_TOKEN, REDIS_URL: redisProxy.url('redis') };
  // Production upstream behaviour: default timeouts, retries and breaker timings.
  delete env.UPSTREAM_TIMEOUT_MS;
  delete env.UPSTREAM_RETRY_BASE_MS;
  app = await startTestServer(env as Record<string, string>, 'services', { lookup: rig.dns.lookup });
  stack = await startMonitoringStack({
    medianestMetrics: `127.0.0.1:${app.metricsPort}`,
    medianestUrl: app.baseUrl,
    alertsWebhookToken: ALERTS_TOKEN,
  });
  admin = await signIn(app.baseUrl, 'admin', ADMIN_PASSWORD);
  // A healthy baseline first: targets up and some ordinary traffic.
  await waitFor(async () => (await stack.targets()).every((t) => t.health === 'up'), 60_000, 1000);
  for (let i = 0; i < 6; i++) {
    await driveTraffic(app.baseUrl, admin, rig.upstreams);
    await new Promise((r) => setTimeout(r, 5000));
  }
}, 300_000);

afterAll(async () => {
  const lines = results.map(
    (r) =>
      `| ${r.fault.padEnd(30)} | ${r.alert.padEnd(21)} | ${(r.mttdMs === undefined ? 'not received' : `${(r.mttdMs / 1000).toFixed(1)} s`).padStart(12)} |${
        r.mttdMs !== undefined && r.mttdMs <= TARGET_MS ? '' : ' over the 1-minute target'
      }`,
  );
  process.stdout.write(
    `\nMTTD (fault → alert at MediaNest's webhook), production intervals:\n` +
      `| ${'fault'.padEnd(30)} | ${'alert'.padEnd(21)} | ${'MTTD'.padStart(12)} |\n|${'-'.repeat(32)}|${'-'.repeat(23)}|${'-'.repeat(14)}|\n${lines.join('\n')}\n\n`,
  );
  await stack?.stop();
  await app?.cleanup();
  await redisProxy?.close();
  await rig?.stop();
});

const firing = async (alert: string, match: Record<string, string>) =>
  (await readAlerts(app.baseUrl, admin)).find(
    (a) => a.alertname === alert && a.status === 'firing' && Object.entries(match).every(([k, v]) => a.labels[k] === v),
  );

async function measure(
  fault: string,
  alert: string,
  match: Record<string, string>,
  inject: () => Promise<void> | void,
  traffic: () => Promise<void>,
) {
  // The previous alert about this service has cleared by itself: a fresh Alertmanager group, as for a first fault.
  await waitFor(async () => !(await firing(alert, match)), 10 * 60_000, 2000);
  const faultAt = Date.now();
  await inject();
  let mttdMs: number | undefined;
  await waitFor(
    async () => {
      await traffic();
      const a = await firing(alert, match);
      if (a && Date.parse(a.receivedAt) >= faultAt) mttdMs = Date.parse(a.receivedAt) - faultAt;
      return mttdMs !== undefined;
    },
    4 * TARGET_MS,
    1000,
  ).catch(() => undefined);
  results.push({ fault, alert, mttdMs });
  return mttdMs;
}

it(
  'detects every upstream fault case within a minute and recovers by itself',
  async () => {
    for (const fault of faultCases(rig, { timeoutMs: 10_000, flapMs: (RESET_MS * 2) / 3 })) {
      let pins = 0;
      await measure(
        `${fault.upstream}: ${fault.name}`,
        'ExternalServiceDown',
        { breaker: fault.upstream },
        () => fault.inject(),
        async () => {
          // Sign-in attempts (plex.tv) are rate-limited per client: a few are enough to trip the breaker.
          if (fault.upstream !== 'plex-tv' || pins++ < 4) await memberTraffic(app.baseUrl, admin, fault.upstream);
        },
      );
      await fault.restore();
    }
    for (const r of results) expect(r.mttdMs, `${r.fault}: ${r.alert}`).toBeLessThanOrEqual(TARGET_MS);
  },
  60 * 60_000,
);

it(
  'detects Redis becoming unreachable and hanging',
  async () => {
    const traffic = () => driveTraffic(app.baseUrl, admin, rig.upstreams, { searchesOnly: true });
    await measure('redis: unreachable', 'DependencyNotReady', { dependency: 'redis' }, () => redisProxy.cut(), traffic);
    await redisProxy.restore();
    await measure('redis: hang', 'ExternalServiceDown', { breaker: 'redis' }, () => redisProxy.hang(), traffic);
    await redisProxy.restore();
    for (const r of results.filter((x) => x.fault.startsWith('redis'))) expect(r.mttdMs, r.fault).toBeLessThanOrEqual(2 * TARGET_MS);
  },
  30 * 60_000,
);
