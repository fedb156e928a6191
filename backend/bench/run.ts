/**
 * `npm run bench`: what observability costs, measured on this machine.
 *
 * 1. MediaNest instances run side by side in child processes and are loaded
 *    ALTERNATELY with autocannon over loopback, several rounds after a warm-up,
 *    on the authenticated route (GET /api/v1/auth/session with a session
 *    cookie: served from the session and user cache), a database-backed route
 *    (GET /api/v1/media/requests: two queries every time) and /health/live:
 *    - OFF: PROMETHEUS_ENABLED=false, no OTLP endpoint, no LOKI_URL, LOG_LEVEL=warn;
 *    - ON: metrics, info logs (log file, stdout and a local Loki sink) and,
 *      when tracing is built in, traces to a local OTLP sink with the sampler
 *      at its defaults (every trace recorded, the tail sampler exports errors,
 *      slow ones and a few a second of the rest);
 *    - when tracing is built in, also "metrics + logs": ON without traces, so
 *      the report can tell the two costs apart;
 *    - a second OFF instance, the same in every respect. Two identical instances
 *      read apart by up to a third in one burst and by up to 18 % in the median
 *      of eight (this 2-core VM, December 2026), so one OFF instance is a noisy
 *      yardstick: every mode is compared with the mean of the two OFF bursts of
 *      its round, and the second ÷ the first is reported as the noise floor.
 *    Each burst reports throughput and latency, and the instance's CPU time per
 *    request (from /proc, counting work it deferred such as span export) —
 *    the steadier number when other work shares the machine.
 * 2. The time to render /metrics with the real catalog plus 10,000 extra series.
 * 3. Footprint (footprint.ts): first start and restart → ready, RSS idle after
 *    each and after 15 s of load; and p50/p95/p99 at a steady 200 req/s.
 * 4. Traces worth reading (exported-traces.ts): 1 % injected upstream failures and 1 % slow
 *    upstream answers among media searches; every one of them must reach the OTLP sink.
 * 5. Discover's rows on a warm cache (discover-rows.ts): the requests a page load of /discover
 *    makes, p50 and p95 of their wall time.
 * `--soak 10m` instead runs the soak (soak.ts); `--discover` runs only step 5; `--instructions`
 * counts instructions per request under valgrind instead (instructions.ts).
 *
 * Settings (environment): BENCH_ROUNDS (8), BENCH_SECONDS (4), BENCH_WARMUP_SECONDS (15),
 * BENCH_CONNECTIONS (10), BENCH_DATABASE_URL (a PostgreSQL server to use instead of the
 * embedded database; a temporary database is created on it and dropped), BENCH_CPU_PROF
 * (a folder: write V8 CPU profiles of the instances), BENCH_JSON (write the results there),
 * BENCH_TRACES_SAMPLER (OTEL_TRACES_SAMPLER_ARG of the ON instance, default 1.0),
 * BENCH_REDIS_URL (a Redis server for the instances, under a key prefix of the bench's own that is
 * deleted afterwards: PostgreSQL deployments run with Redis, and the session cache needs it there),
 * BENCH_STEADY_SECONDS (20: the steady 200 req/s phase), BENCH_STRICT=1 (exit 1 when a goal is missed).
 * The run fails outright when a mode did not do what it claims (ON counted no requests, shipped no
 * log lines or exported no spans; OFF had a metrics listener).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type * as DatabaseClient from '../src/db/client';
import { purgeRedisKeys } from '../src/redis/purge-prefix';
import { measureDiscoverRows, type DiscoverRowsResult } from './discover-rows';
import { measureExportedTraces, type ExportedTraces } from './exported-traces';
import { measureFootprint, IDLE_MS, LOAD_SECONDS, type Footprint } from './footprint';
import { countInstructions, largestGrowth } from './instructions';
import { BACKEND_DIST, cpuTimeMs, startInstance, type Instance } from './instances';
import { median, runLoad, type LoadResult } from './load';
import { measureRender, type RenderResult } from './render';
import { startLokiSink, startOtlpSink, type LokiStats, type OtlpStats, type Sink } from './sinks';
import { parseDuration, runSoak } from './soak';
import { steadyLoad } from './steady';

const TARGET_RATIO = 0.95;
const TARGET_RENDER_MS = 15;
const STEADY_RATE = 200;
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 20);
const EXTRA_SERIES = 10_000;
const SAMPLING_RATE = 20;
const SAMPLING_SECONDS = 45;
/** Page loads of /discover timed on a warm cache, and the goal for the slowest of the usual ones (p95). */
const DISCOVER_LOADS = 100;
const TARGET_DISCOVER_MS = 1000;
/** Longer than the span batch delay (5 s), so deferred work lands before the next CPU reading. */
const SETTLE_MS = 6000;

const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 8),
  seconds: Number(process.env.BENCH_SECONDS ?? 4),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 15),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  redisUrl: process.env.BENCH_REDIS_URL || undefined,
  cpuProfDir: process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined,
  tracesSampler: process.env.BENCH_TRACES_SAMPLER ?? '1.0',
};

/** The bench's own Redis key prefix, and how to delete what the instances left under it. */
function benchRedis(): { settings?: { url: string; keyPrefix: string }; purge: () => Promise<void> } {
  if (!settings.redisUrl) return { purge: async () => undefined };
  const keyPrefix = `medianest-bench-${randomBytes(4).toString('hex')}:`;
  return {
    settings: { url: settings.redisUrl, keyPrefix },
    purge: () => purgeRedisKeys(settings.redisUrl!, keyPrefix),
  };
}

interface Mode {
  key: string;
  label: string;
  observability: boolean;
  traces: boolean;
}
const OFF: Mode = { key: 'off', label: 'OFF', observability: false, traces: false };
/** The same as OFF in another process: the yardstick is both OFF instances, and their ratio is the noise floor. */
const OFF_AGAIN: Mode = { key: 'off-again', label: 'OFF, second instance', observability: false, traces: false };

const ROUTES = [
  { name: 'session', label: 'GET /api/v1/auth/session (authenticated)', path: '/api/v1/auth/session', authenticated: true },
  { name: 'database', label: 'GET /api/v1/media/requests (database)', path: '/api/v1/media/requests', authenticated: true },
  { name: 'live', label: 'GET /health/live', path: '/health/live', authenticated: false },
] as const;
type Route = (typeof ROUTES)[number];

/** A burst's result plus the CPU the instance used from the start of this burst to the start of its next one. */
interface Burst extends LoadResult {
  cpuMsPerRequest?: number;
}

interface Summary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
}

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** An embedded database folder with migrations applied, copied for each instance (no initdb per instance). */
async function prepareEmbedded(root: string, modes: Mode[]): Promise<void> {
  const template = path.join(root, 'template');
  // The production build's own client, so the template carries exactly the migrations the instances expect
  // (the bench is compiled apart, and a copy of the client in dist-bench would look for them beside itself).
  const client = pathToFileURL(path.join(BACKEND_DIST, 'db/client.js')).href;
  const { openDatabase } = (await import(client)) as typeof DatabaseClient;
  const db = await openDatabase({ dataDir: template });
  await db.close();
  for (const mode of modes) fs.cpSync(path.join(template, 'db'), path.join(root, mode.key, 'db'), { recursive: true });
}

/** With BENCH_DATABASE_URL: a temporary database (dropped with `drops`); undefined for the embedded one. */
async function temporaryDatabase(drops: (() => Promise<void>)[]): Promise<string | undefined> {
  if (!settings.databaseUrl) return undefined;
  const temporary = await preparePostgres(settings.databaseUrl);
  drops.push(() => temporary.drop());
  return temporary.url;
}

/** A temporary database on BENCH_DATABASE_URL's server; returns its URL and how to drop it. */
async function preparePostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `medianest_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function load(instance: Instance, route: Route, seconds: number): Promise<LoadResult> {
  return runLoad(`${instance.baseUrl}${route.path}`, {
    seconds,
    connections: settings.connections,
    headers: route.authenticated ? { cookie: instance.cookie } : undefined,
  });
}

/**
 * mode ÷ OFF for each round, from the two bursts of that round. Throughput on a shared machine
 * drifts by more than the effect being measured over a run of minutes; bursts of the same round
 * ran back to back, so their ratio sees through most of that drift.
 */
function pairedRatios(mode: Burst[], off: Burst[], ratio: (b: Burst, off: Burst) => number): number[] {
  return mode.map((b, round) => ratio(b, off[round]!)).filter((r) => Number.isFinite(r));
}

/** Each round's yardstick: the mean of the two OFF instances' bursts of that round. */
function offReference(first: Burst[], second: Burst[]): Burst[] {
  return first.map((a, round) => {
    const b = second[round]!;
    return {
      requestsPerSecond: (a.requestsPerSecond + b.requestsPerSecond) / 2,
      p50Ms: (a.p50Ms + b.p50Ms) / 2,
      p99Ms: (a.p99Ms + b.p99Ms) / 2,
      requests: a.requests + b.requests,
      // Undefined (NaN in the ratio, which pairedRatios leaves out) when either burst has no CPU reading.
      cpuMsPerRequest:
        a.cpuMsPerRequest === undefined || b.cpuMsPerRequest === undefined ? undefined : (a.cpuMsPerRequest + b.cpuMsPerRequest) / 2,
    };
  });
}

function summarize(bursts: Burst[]): Summary {
  const cpu = bursts.map((b) => b.cpuMsPerRequest).filter((c): c is number => c !== undefined);
  return {
    requestsPerSecond: median(bursts.map((b) => b.requestsPerSecond)),
    p50Ms: median(bursts.map((b) => b.p50Ms)),
    p99Ms: median(bursts.map((b) => b.p99Ms)),
    cpuMsPerRequest: cpu.length ? median(cpu) : Number.NaN,
  };
}

/** Proves each mode was what it claims: ON counted and logged the requests, traces reached the sink, OFF had no metrics. */
async function sanityCheck(instances: Map<Mode, Instance>, sink: Sink<OtlpStats> | undefined, loki: Sink<LokiStats>): Promise<string[]> {
  const notes: string[] = [];
  for (const [mode, instance] of instances) {
    if (!mode.observability) {
      const res = await fetch(`${instance.baseUrl}/metrics`);
      notes.push(`${mode.label}: no metrics listener (/metrics on the API port answers ${res.status})`);
      continue;
    }
    const scrape = await (await fetch(instance.metricsUrl!)).text();
    const counted = scrape
      .split('\n')
      .filter((l) => l.startsWith('medianest_http_requests_total{') && l.includes('endpoint="/api/v1/media/requests"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    if (counted === 0) throw new Error(`${mode.label} did not count the benchmark requests; the comparison would be meaningless`);
    const logDir = path.join(path.dirname(instance.stdoutFile), 'logs');
    const logBytes = fs.existsSync(logDir) ? fs.readdirSync(logDir).reduce((s, f) => s + fs.statSync(path.join(logDir, f)).size, 0) : 0;
    notes.push(
      `${mode.label}: counted ${fmt(counted)} requests to /api/v1/media/requests; wrote ${(logBytes / 1e6).toFixed(1)} MB of info logs to its log file (and stdout)`,
    );
  }
  if (sink) {
    const stats = await sink.stats();
    if (stats.exports === 0) throw new Error('tracing was configured but no spans reached the OTLP sink');
    notes.push(`ON: exported ${stats.exports} span batches (${(stats.bytes / 1e6).toFixed(1)} MB of OTLP/JSON) to the local sink`);
  }
  const shipped = await loki.stats();
  if (shipped.lines === 0) throw new Error('ON ships logs to Loki, but no log lines reached the Loki sink');
  if (shipped.rejected > 0) throw new Error(`the Loki sink could not read ${shipped.rejected} pushes`);
  notes.push(
    `ON: shipped ${fmt(shipped.lines)} log lines in ${fmt(shipped.pushes)} gzipped pushes (${(shipped.bytes / 1e6).toFixed(1)} MB) to the local Loki sink`,
  );
  return notes;
}

async function main(): Promise<void> {
  const tracingBuilt = fs.existsSync(path.join(BACKEND_DIST, 'tracing.js'));
  const on: Mode = { key: 'on', label: 'ON', observability: true, traces: tracingBuilt };
  const modes: Mode[] = tracingBuilt
    ? [OFF, on, { key: 'metrics-logs', label: 'metrics + logs', observability: true, traces: false }, OFF_AGAIN]
    : [OFF, on, OFF_AGAIN];

  log(
    `MediaNest benchmark — node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${loadAverage()}`,
  );
  log(
    `${settings.rounds} alternating rounds × ${settings.seconds} s per route and mode, ${settings.connections} connections, warm-up ${settings.warmupSeconds} s`,
  );
  log(
    `database: ${settings.databaseUrl ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'embedded PGlite'}${settings.redisUrl ? ' + Redis (BENCH_REDIS_URL)' : ''}; ON ${tracingBuilt ? `sends traces (recorded ratio ${settings.tracesSampler}, tail sampler at its defaults) to a local OTLP sink` : 'has no tracing (not built in)'}`,
  );

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-bench-'));
  const redis = benchRedis();
  const drops: (() => Promise<void>)[] = [redis.purge];
  let sink: Sink<OtlpStats> | undefined;
  let loki: Sink<LokiStats> | undefined;
  const instances = new Map<Mode, Instance>();
  const bursts = new Map<string, Burst[]>(); // `${route}/${mode}`
  let notes: string[];
  let footprint: Footprint;
  let steady: Awaited<ReturnType<typeof steadyLoad>>;
  let exportedTraces: ExportedTraces | undefined;
  let discover: DiscoverRowsResult;
  try {
    // Footprint first, on a quiet machine: a fresh folder (or database) of its own.
    const footprintUrl = await temporaryDatabase(drops);
    log('footprint: first start, idle, restart, idle, load …');
    footprint = await measureFootprint(root, footprintUrl, redis.settings);

    const databaseUrl = await temporaryDatabase(drops);
    if (!databaseUrl) await prepareEmbedded(root, modes);
    if (tracingBuilt) sink = await startOtlpSink();
    loki = await startLokiSink();
    for (const mode of modes) {
      instances.set(
        mode,
        await startInstance({
          name: `observability-${mode.key}`,
          dataDir: path.join(root, mode.key),
          observability: mode.observability,
          otlpEndpoint: mode.traces ? sink?.url : undefined,
          lokiUrl: loki.url,
          tracesSampler: settings.tracesSampler,
          databaseUrl,
          redis: redis.settings,
          cpuProfDir: settings.cpuProfDir,
        }),
      );
    }
    for (const route of ROUTES) for (const instance of instances.values()) await load(instance, route, settings.warmupSeconds);
    await settle();

    // CPU is read at the start of each burst; a burst is charged with everything up to its instance's next burst.
    const open = new Map<Mode, { burst: Burst; cpuMs: number }>();
    const charge = (mode: Mode) => {
      const previous = open.get(mode);
      if (previous) previous.burst.cpuMsPerRequest = (cpuTimeMs(instances.get(mode)!.pid) - previous.cpuMs) / previous.burst.requests;
    };
    for (let round = 1; round <= settings.rounds; round++) {
      // Rotate the order every round, so no mode always follows (or precedes) another.
      const order = modes.map((_, i) => modes[(i + round) % modes.length]!);
      for (const route of ROUTES) {
        for (const mode of order) {
          const instance = instances.get(mode)!;
          charge(mode);
          const cpuMs = cpuTimeMs(instance.pid);
          const burst: Burst = await load(instance, route, settings.seconds);
          open.set(mode, { burst, cpuMs });
          const key = `${route.name}/${mode.key}`;
          bursts.set(key, [...(bursts.get(key) ?? []), burst]);
          log(
            `round ${round} ${route.label.padEnd(36)} ${mode.label.padEnd(14)} ${fmt(burst.requestsPerSecond).padStart(6)} req/s  p50 ${burst.p50Ms} ms  p99 ${burst.p99Ms} ms`,
          );
        }
      }
    }
    await settle();
    for (const mode of modes) charge(mode);
    notes = await sanityCheck(instances, sink, loki);

    // A steady rate instead of as fast as possible: the latency a household sees, full observability on.
    const onInstance = instances.get(on)!;
    const authenticated = { cookie: onInstance.cookie };
    log(`steady ${STEADY_RATE} req/s for ${STEADY_SECONDS} s on ON, GET /api/v1/auth/session …`);
    steady = await steadyLoad(
      onInstance.baseUrl,
      [{ name: 'session', method: 'GET', path: '/api/v1/auth/session', headers: authenticated }],
      {
        rate: STEADY_RATE,
        seconds: STEADY_SECONDS,
      },
    );
    // Reported as a missed goal, not a failed run: on an overloaded machine requests time out, and the other figures still count.
    if (steady.errors > 0) log(`steady load: ${steady.errors} errors (${steady.errorSamples.join('; ')})`);
    if (tracingBuilt) {
      log(`sampling: media searches at ${SAMPLING_RATE} req/s for ${SAMPLING_SECONDS} s, 1 % failing upstream, 1 % slow …`);
      exportedTraces = await measureExportedTraces(root, {
        databaseUrl: await temporaryDatabase(drops),
        redis: redis.settings,
        rate: SAMPLING_RATE,
        seconds: SAMPLING_SECONDS,
      });
    }
    log(`discover: ${DISCOVER_LOADS} page loads of /discover on a warm cache …`);
    discover = await measureDiscoverRows(root, {
      databaseUrl: await temporaryDatabase(drops),
      redis: redis.settings,
      loads: DISCOVER_LOADS,
    });
  } finally {
    await Promise.all([...instances.values()].map((i) => i.stop()));
    sink?.stop();
    loki?.stop();
    for (const drop of drops) await drop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  }

  log();
  log('| route | observability | req/s (median) | p50 ms | p99 ms | CPU ms / request | throughput vs OFF | CPU/request OFF ÷ mode |');
  log('|---|---|---:|---:|---:|---:|---:|---:|');
  const ratios: Record<string, { throughput: number; cpu: number; throughputRange: [number, number] }> = {};
  for (const route of ROUTES) {
    const firstOff = bursts.get(`${route.name}/${OFF.key}`)!;
    const reference = offReference(firstOff, bursts.get(`${route.name}/${OFF_AGAIN.key}`)!);
    for (const mode of modes) {
      const modeBursts = bursts.get(`${route.name}/${mode.key}`)!;
      // The second OFF instance against the first: how far apart two identical instances read.
      const offBursts = mode === OFF_AGAIN ? firstOff : reference;
      const s = summarize(modeBursts);
      const throughput = pairedRatios(modeBursts, offBursts, (b, off) => b.requestsPerSecond / off.requestsPerSecond);
      const cpu = pairedRatios(modeBursts, offBursts, (b, off) => (off.cpuMsPerRequest ?? NaN) / (b.cpuMsPerRequest ?? NaN));
      const ratio = {
        throughput: median(throughput),
        cpu: median(cpu),
        throughputRange: [Math.min(...throughput), Math.max(...throughput)] as [number, number],
      };
      ratios[`${route.name}/${mode.key}`] = ratio;
      log(
        `| ${route.label} | ${mode.label} | ${fmt(s.requestsPerSecond)} | ${s.p50Ms} | ${s.p99Ms} | ${s.cpuMsPerRequest.toFixed(3)} | ${mode === OFF ? '—' : ratio.throughput.toFixed(2)} | ${mode === OFF ? '—' : ratio.cpu.toFixed(2)} |`,
      );
    }
  }
  log();
  log(
    "Ratios are medians over the rounds of each round's mode ÷ the mean of its two OFF bursts (all bursts of a round ran within a minute); the second OFF instance is divided by the first.",
  );
  for (const mode of modes.filter((m) => m !== OFF)) {
    const r = ratios[`database/${mode.key}`]!;
    log(
      `- database route, ${mode.label} ÷ OFF throughput per round: ${r.throughputRange[0].toFixed(2)}–${r.throughputRange[1].toFixed(2)} (median ${r.throughput.toFixed(2)})`,
    );
  }
  log();
  for (const note of notes) log(`- ${note}`);

  log();
  log('Rendering /metrics (renderMetrics, median of 25 renders after warm-up):');
  const render: RenderResult[] = await measureRender(EXTRA_SERIES, 25);
  log('| registry | samples in output | size | Prometheus text ms | OpenMetrics ms |');
  log('|---|---:|---:|---:|---:|');
  for (const r of render) {
    log(
      `| ${r.shape} | ${fmt(r.seriesInOutput)} | ${fmt(r.bytes / 1024)} KiB | ${r.prometheusMs.toFixed(1)} | ${r.openMetricsMs.toFixed(1)} |`,
    );
  }

  const dbRatio = ratios[`database/${on.key}`]!.throughput;
  const worstRender = Math.max(...render.slice(1).flatMap((r) => [r.prometheusMs, r.openMetricsMs]));
  const sessionRate = summarize(bursts.get(`session/${OFF.key}`)!).requestsPerSecond;
  const p99 = (mode: Mode) => summarize(bursts.get(`database/${mode.key}`)!).p99Ms;
  const offP99 = median([...bursts.get(`database/${OFF.key}`)!, ...bursts.get(`database/${OFF_AGAIN.key}`)!].map((b) => b.p99Ms));
  const p99Ratio = p99(on) / offP99;
  const noise = ratios[`database/${OFF_AGAIN.key}`]!;
  const embedded = !settings.databaseUrl;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const rows: [string, string, string, boolean][] = [
    [
      `RSS idle ${IDLE_MS / 1000} s after first start`,
      `${footprint.firstStartRssMb.toFixed(0)} MB`,
      embedded ? '< 200 MB' : '< 150 MB',
      footprint.firstStartRssMb < (embedded ? 200 : 150),
    ],
    [
      `RSS idle ${IDLE_MS / 1000} s after a restart`,
      `${footprint.restartRssMb.toFixed(0)} MB`,
      embedded ? '< 200 MB' : '< 150 MB',
      footprint.restartRssMb < (embedded ? 200 : 150),
    ],
    [`RSS after ${LOAD_SECONDS} s of load`, `${footprint.afterLoadRssMb.toFixed(0)} MB`, '≤ 200 MB', footprint.afterLoadRssMb <= 200],
    ['first start → ready', `${fmt(footprint.firstStartReadyMs)} ms`, '< 1,500 ms', footprint.firstStartReadyMs < 1500],
    ['restart → ready', `${fmt(footprint.restartReadyMs)} ms`, '< 1,000 ms', footprint.restartReadyMs < 1000],
    ['GET /api/v1/auth/session, OFF, req/s', fmt(sessionRate), embedded ? '≥ 1,500' : '≥ 3,000', sessionRate >= (embedded ? 1500 : 3000)],
    [
      'full observability ÷ none, database route (throughput, paired rounds)',
      dbRatio.toFixed(2),
      `≥ ${TARGET_RATIO}`,
      dbRatio >= TARGET_RATIO,
    ],
    ['p99 under load, database route, ON ÷ OFF', `${p99Ratio.toFixed(2)} (${p99(on)} / ${offP99} ms)`, '≤ 1.10', p99Ratio <= 1.1],
    [
      'noise floor: two identical OFF instances, database route, second ÷ first (median, rounds)',
      `${noise.throughput.toFixed(2)} (${noise.throughputRange[0].toFixed(2)}–${noise.throughputRange[1].toFixed(2)})`,
      '—',
      true,
    ],
    ...(exportedTraces
      ? ([
          [
            `error traces exported (1 % injected, ${exportedTraces.rate} req/s)`,
            `${exportedTraces.exportedErrors} / ${exportedTraces.injectedErrors}`,
            '100 %',
            exportedTraces.exportedErrors === exportedTraces.injectedErrors && exportedTraces.injectedErrors > 0,
          ],
          [
            `slow traces exported (1 % injected, ${exportedTraces.rate} req/s)`,
            `${exportedTraces.exportedSlow} / ${exportedTraces.injectedSlow}`,
            '100 %',
            exportedTraces.exportedSlow === exportedTraces.injectedSlow && exportedTraces.injectedSlow > 0,
          ],
        ] as [string, string, string, boolean][])
      : []),
    [
      `/metrics render, catalog + ${fmt(EXTRA_SERIES)} series (slowest median)`,
      `${worstRender.toFixed(1)} ms`,
      `< ${TARGET_RENDER_MS} ms`,
      worstRender < TARGET_RENDER_MS,
    ],
    [`errors at a steady ${STEADY_RATE} req/s (ON, session route)`, fmt(steady.errors), '0', steady.errors === 0],
    discoverRow(discover),
    [`p95 at a steady ${STEADY_RATE} req/s (ON, session route)`, `${steady.p95Ms.toFixed(1)} ms`, '< 15 ms', steady.p95Ms < 15],
    [`p99 at a steady ${STEADY_RATE} req/s (ON, session route)`, `${steady.p99Ms.toFixed(1)} ms`, '< 30 ms', steady.p99Ms < 30],
  ];
  log();
  log(`Against the goals (${embedded ? 'embedded database' : 'PostgreSQL'}):`);
  log('| what | measured | goal | verdict |');
  log('|---|---:|---:|---|');
  for (const [what, measured, goal, ok] of rows) log(`| ${what} | ${measured} | ${goal} | ${goal === '—' ? '—' : verdict(ok)} |`);
  log();
  log(
    `steady ${STEADY_RATE} req/s: ${fmt(steady.requests)} requests, p50 ${steady.p50Ms.toFixed(1)} ms, p95 ${steady.p95Ms.toFixed(1)} ms, p99 ${steady.p99Ms.toFixed(1)} ms, max ${steady.maxMs.toFixed(1)} ms`,
  );
  if (exportedTraces) {
    const t = exportedTraces;
    log(
      `sampling run: ${fmt(t.requests)} searches (${fmt(t.unexpected)} unexpected answers or time-outs); exported ${t.exportedErrors}/${t.injectedErrors} failed, ${t.exportedSlow}/${t.injectedSlow} slow and ${fmt(t.exportedRest)} of the other ${fmt(t.requests - t.injectedErrors - t.injectedSlow)} traces; kept by reason ${JSON.stringify(t.reasons)}`,
    );
  }
  log(`load average at the end: ${loadAverage()} (other work on the machine makes the numbers noisier)`);
  if (process.env.BENCH_JSON) {
    const results = Object.fromEntries(bursts);
    fs.writeFileSync(
      process.env.BENCH_JSON,
      JSON.stringify(
        {
          settings,
          cpus: os.cpus().length,
          node: process.version,
          loadAverage: os.loadavg(),
          modes,
          results,
          ratios,
          render,
          notes,
          footprint,
          steady,
          exportedTraces,
          discover,
        },
        null,
        2,
      ),
    );
  }
  const missed = rows.some(([, , , ok]) => !ok);
  process.exit(missed && process.env.BENCH_STRICT === '1' ? 1 : 0);
}

function discoverRow(d: DiscoverRowsResult): [string, string, string, boolean] {
  return [
    `Discover rows on a warm cache, ${d.requestsPerLoad} requests per page load (p50 / p95 of ${d.loads})`,
    `${d.p50Ms.toFixed(1)} / ${d.p95Ms.toFixed(1)} ms`,
    `p95 < ${fmt(TARGET_DISCOVER_MS)} ms`,
    d.p95Ms < TARGET_DISCOVER_MS,
  ];
}

/** `--discover`: only Discover's rows on a warm cache (step 5), in a few seconds. */
async function discoverOnly(): Promise<void> {
  log(`MediaNest benchmark, Discover rows only — node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAverage()}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-bench-'));
  const redis = benchRedis();
  const drops: (() => Promise<void>)[] = [redis.purge];
  try {
    const d = await measureDiscoverRows(root, {
      databaseUrl: await temporaryDatabase(drops),
      redis: redis.settings,
      loads: DISCOVER_LOADS,
    });
    const [what, measured, goal, ok] = discoverRow(d);
    log('| what | measured | goal | verdict |');
    log('|---|---:|---:|---|');
    log(`| ${what} | ${measured} | ${goal} | ${ok ? 'met' : 'MISSED'} |`);
    log(`slowest page load: ${d.maxMs.toFixed(1)} ms; load average at the end: ${loadAverage()}`);
    process.exit(!ok && process.env.BENCH_STRICT === '1' ? 1 : 0);
  } finally {
    for (const drop of drops) await drop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `--instructions`: instructions per request on the database route, each mode under callgrind. */
async function instructionsOnly(): Promise<void> {
  const requests = Number(process.env.BENCH_INSTRUCTIONS_REQUESTS ?? 1000);
  const clock = Number(process.env.BENCH_INSTRUCTIONS_CLOCK ?? 0.02);
  const route = process.env.BENCH_INSTRUCTIONS_ROUTE ?? '/api/v1/media/requests';
  const connections = Number(process.env.BENCH_INSTRUCTIONS_CONNECTIONS ?? 1);
  const warmup = Number(process.env.BENCH_INSTRUCTIONS_WARMUP ?? 3000);
  const top = Number(process.env.BENCH_INSTRUCTIONS_TOP ?? 0);
  const chosen = process.env.BENCH_INSTRUCTIONS_MODES?.split(',');
  const modes: Mode[] = [
    OFF,
    { key: 'metrics-logs', label: 'metrics + logs', observability: true, traces: false },
    { key: 'on', label: 'everything', observability: true, traces: true },
  ].filter((m) => m === OFF || !chosen || chosen.includes(m.key));
  log(`MediaNest instructions per request under callgrind — node ${process.version}`);
  log(
    `database: ${settings.databaseUrl ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'embedded PGlite'}${settings.redisUrl ? ' + Redis (BENCH_REDIS_URL)' : ''}; ${warmup} warm-up requests, then ${requests} to GET ${route}, ${connections === 1 ? 'one after another' : `${connections} at a time`}, per mode`,
  );
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-instructions-'));
  const redis = benchRedis();
  const drops: (() => Promise<void>)[] = [redis.purge];
  const sink = await startOtlpSink();
  const loki = await startLokiSink();
  try {
    // One database for the three instances, which run one after another.
    const databaseUrl = await temporaryDatabase(drops);
    if (!databaseUrl) await prepareEmbedded(root, modes);
    const counts = await countInstructions(root, modes, {
      databaseUrl,
      redis: redis.settings,
      otlpEndpoint: sink.url,
      lokiUrl: loki.url,
      route,
      requests,
      connections,
      warmup,
      clock,
      keepIn: process.env.BENCH_INSTRUCTIONS_OUT ? path.resolve(process.env.BENCH_INSTRUCTIONS_OUT) : undefined,
    });
    const off = counts[0]!;
    const million = (n: number) => `${(n / 1e6).toFixed(2)} M`;
    log();
    log('| instructions per request | main thread | OFF ÷ mode | all threads | OFF ÷ mode |');
    log('|---|---:|---:|---:|---:|');
    for (const c of counts) {
      log(
        `| ${c.mode.label} | ${million(c.mainThread)} | ${(off.mainThread / c.mainThread).toFixed(3)} | ${million(c.allThreads)} | ${(off.allThreads / c.allThreads).toFixed(3)} |`,
      );
    }
    log();
    for (const c of counts) {
      log(
        `${c.mode.label}: ${fmt(c.wallMsPerRequest)} ms a request under valgrind, ${c.serverMsPerRequest.toFixed(1)} ms on the server's clock (a loaded server: 1–2 ms)`,
      );
    }
    if (top > 0) {
      for (const c of counts.slice(1)) {
        log();
        log(`Main thread, ${c.mode.label} minus OFF, the ${top} largest increases (instructions per request):`);
        for (const [name, grew] of largestGrowth(off, c, top)) log(`  ${fmt(grew).padStart(8)}  ${name}`);
      }
    }
  } finally {
    sink.stop();
    loki.stop();
    for (const drop of drops) await drop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function soak(duration: string): Promise<void> {
  const seconds = parseDuration(duration);
  log(`MediaNest soak — node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAverage()}`);
  log(
    `database: ${settings.databaseUrl ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'embedded PGlite'}; every request traced and exported, info logs shipped to a local Loki, metrics on`,
  );
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-soak-'));
  const redis = benchRedis();
  const drops: (() => Promise<void>)[] = [redis.purge];
  try {
    const databaseUrl = await temporaryDatabase(drops);
    const report = await runSoak(root, { seconds, rate: STEADY_RATE, databaseUrl, redis: redis.settings, log });
    const r = report.result;
    const first = report.rssMb[0]!.mb;
    const last = report.rssMb[report.rssMb.length - 1]!.mb;
    const growth = (last - first) / first;
    const lagP99 = Math.max(...report.eventLoopP99Ms);
    log();
    log(`| route | requests |`);
    log('|---|---:|');
    for (const [name, n] of Object.entries(r.perRoute)) log(`| ${name} | ${fmt(n)} |`);
    log();
    log('| what | measured | goal | verdict |');
    log('|---|---:|---:|---|');
    log(`| requests | ${fmt(r.requests)} at ${report.rate} req/s | — | — |`);
    log(`| errors | ${fmt(r.errors)} | 0 | ${r.errors === 0 ? 'met' : 'MISSED'} |`);
    log(
      `| latency p50 / p95 / p99 | ${r.p50Ms.toFixed(1)} / ${r.p95Ms.toFixed(1)} / ${r.p99Ms.toFixed(1)} ms | p95 < 15, p99 < 30 ms | ${r.p95Ms < 15 && r.p99Ms < 30 ? 'met' : 'MISSED'} |`,
    );
    log(
      `| RSS growth (${first.toFixed(0)} → ${last.toFixed(0)} MB) | ${(growth * 100).toFixed(1)} % | < 10 % | ${growth < 0.1 ? 'met' : 'MISSED'} |`,
    );
    log(`| event-loop delay p99 (worst 30 s window) | ${lagP99.toFixed(1)} ms | < 20 ms | ${lagP99 < 20 ? 'met' : 'MISSED'} |`);
    log(`| heap after a full GC at the end | ${report.heapAfterGcMb.toFixed(1)} MB | — | — |`);
    log();
    log(`RSS every 30 s: ${report.rssMb.map((s) => `${s.atSeconds}s ${s.mb.toFixed(0)}`).join(', ')} (MB)`);
    log(`full observability did its work: ${fmt(report.spanBatches)} span batches exported, ${fmt(report.lokiLines)} log lines shipped`);
    if (r.errors > 0) log(`first errors: ${r.errorSamples.join('; ')}`);
    log(`load average at the end: ${loadAverage()}`);
    process.exit(r.errors > 0 ? 1 : 0);
  } finally {
    for (const drop of drops) await drop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const soakAt = process.argv.indexOf('--soak');
const phase =
  soakAt >= 0
    ? soak(process.argv[soakAt + 1] ?? '10m')
    : process.argv.includes('--discover')
      ? discoverOnly()
      : process.argv.includes('--instructions')
        ? instructionsOnly()
        : main();
phase.catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
