/**
 * `npm run bench`: what observability costs, measured on this machine.
 *
 * 1. Two MediaNest instances run side by side in child processes — observability
 *    OFF (PROMETHEUS_ENABLED=false, no OTLP endpoint, no LOKI_URL, LOG_LEVEL=warn)
 *    and ON (metrics, info logs to the log file and stdout, and traces for every
 *    request to a local OTLP sink when tracing is built in) — and are loaded
 *    ALTERNATELY with autocannon over loopback, several rounds after a warm-up,
 *    on a database-backed route (GET /api/v1/auth/session with a session cookie:
 *    reads the session and the user) and on /health/live.
 * 2. The time to render /metrics with the real catalog plus 10,000 extra series.
 *
 * Settings (environment): BENCH_ROUNDS (6), BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (3),
 * BENCH_CONNECTIONS (10), BENCH_DATABASE_URL (a PostgreSQL server to use instead of the
 * embedded database; a temporary database is created on it and dropped), BENCH_CPU_PROF
 * (a folder: write V8 CPU profiles of both instances), BENCH_JSON (write the results there),
 * BENCH_STRICT=1 (exit 1 when a target is missed).
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { openDatabase } from '../db/client';
import { cpuTimeMs, startInstance, type Instance } from './instances';
import { median, runLoad, type LoadResult } from './load';
import { measureRender, type RenderResult } from './render';

const TARGET_RATIO = 0.9;
const TARGET_RENDER_MS = 50;
const EXTRA_SERIES = 10_000;

const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 6),
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  cpuProfDir: process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined,
};

type Mode = 'off' | 'on';
const ROUTES = [
  { name: 'database route', path: '/api/v1/auth/session', authenticated: true },
  { name: '/health/live', path: '/health/live', authenticated: false },
] as const;
type RouteName = (typeof ROUTES)[number]['name'];

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** An embedded database folder with migrations applied, copied for each instance (no initdb per instance). */
async function prepareEmbedded(root: string): Promise<void> {
  const template = path.join(root, 'template');
  const db = await openDatabase({ dataDir: template });
  await db.close();
  for (const mode of ['off', 'on']) fs.cpSync(path.join(template, 'db'), path.join(root, mode, 'db'), { recursive: true });
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

interface Sink {
  endpoint: string;
  stats(): Promise<{ exports: number; bytes: number }>;
  stop(): void;
}

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, [path.join(__dirname, 'otlp-sink.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => resolve(Number(/^listening (\d+)$/.exec(line)?.[1])));
    child.once('exit', (code) => reject(new Error(`the OTLP sink exited with ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    stats: async () => (await (await fetch(`${endpoint}/stats`)).json()) as { exports: number; bytes: number },
    stop: () => child.kill('SIGTERM'),
  };
}

/** A burst's result plus the CPU the instance used from the start of this burst to the start of its next one. */
interface Burst extends LoadResult {
  cpuMsPerRequest?: number;
}

function load(instance: Instance, route: (typeof ROUTES)[number], seconds: number): Promise<LoadResult> {
  return runLoad(`${instance.baseUrl}${route.path}`, {
    seconds,
    connections: settings.connections,
    headers: route.authenticated ? { cookie: instance.cookie } : undefined,
  });
}

interface Summary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the instance per request, including work it deferred (span export, log flushing). */
  cpuMsPerRequest: number;
}

function summarize(results: Burst[]): Summary {
  const cpu = results.map((r) => r.cpuMsPerRequest).filter((c): c is number => c !== undefined);
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    cpuMsPerRequest: cpu.length ? median(cpu) : Number.NaN,
  };
}

async function sanityCheck(on: Instance, off: Instance, sink: Sink | undefined): Promise<string[]> {
  const notes: string[] = [];
  const scrape = await (await fetch(on.metricsUrl!)).text();
  const counted = scrape
    .split('\n')
    .filter((l) => l.startsWith('medianest_http_requests_total{') && l.includes('endpoint="/api/v1/auth/session"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  if (counted === 0) throw new Error('observability ON did not count the benchmark requests; the comparison would be meaningless');
  notes.push(`ON counted ${counted.toLocaleString('en')} requests to /api/v1/auth/session in /metrics`);
  const logDir = path.join(path.dirname(on.stdoutFile), 'logs');
  const logBytes = fs.existsSync(logDir) ? fs.readdirSync(logDir).reduce((s, f) => s + fs.statSync(path.join(logDir, f)).size, 0) : 0;
  notes.push(`ON wrote ${(logBytes / 1e6).toFixed(1)} MB of info logs to ${logDir} (and the same to stdout)`);
  if (sink) {
    const stats = await sink.stats();
    if (stats.exports === 0) throw new Error('tracing was configured but no spans reached the OTLP sink');
    notes.push(`ON exported ${stats.exports} span batches (${(stats.bytes / 1e6).toFixed(1)} MB OTLP/JSON) to the local sink`);
  }
  const offMetrics = await fetch(`${off.baseUrl}/metrics`);
  notes.push(`OFF: no metrics listener; /metrics on its API port answers ${offMetrics.status}`);
  return notes;
}

/** Longer than the span batch delay (5 s), so deferred work lands before the next reading. */
const SETTLE_MS = 6000;
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-bench-'));
  const tracingBuilt = fs.existsSync(path.resolve(__dirname, '../tracing.js'));
  log(`MediaNest benchmark — node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${loadAverage()}`);
  log(`${settings.rounds} alternating rounds × ${settings.seconds} s per route and mode, ${settings.connections} connections, warm-up ${settings.warmupSeconds} s`);
  log(`database: ${settings.databaseUrl ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'embedded PGlite'}; tracing: ${tracingBuilt ? 'ON sends every trace to a local OTLP sink' : 'not built in'}`);

  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (settings.databaseUrl) {
    const temporary = await preparePostgres(settings.databaseUrl);
    databaseUrl = temporary.url;
    dropDatabase = temporary.drop;
  } else {
    await prepareEmbedded(root);
  }
  const sink = tracingBuilt ? await startSink() : undefined;
  const instances: Partial<Record<Mode, Instance>> = {};
  const results: Record<RouteName, Record<Mode, Burst[]>> = {
    'database route': { off: [], on: [] },
    '/health/live': { off: [], on: [] },
  };
  let notes: string[] = [];
  try {
    for (const mode of ['off', 'on'] as const) {
      instances[mode] = await startInstance({
        name: `observability-${mode}`,
        dataDir: path.join(root, mode),
        observability: mode === 'on',
        otlpEndpoint: sink?.endpoint,
        databaseUrl,
        cpuProfDir: settings.cpuProfDir,
      });
    }
    const off = instances.off!;
    const on = instances.on!;
    for (const route of ROUTES) for (const instance of [off, on]) await load(instance, route, settings.warmupSeconds);

    await settle();
    // CPU is read at the start of each burst; a burst is charged with everything up to its instance's next burst.
    const open: Partial<Record<Mode, { burst: Burst; cpuMs: number }>> = {};
    const charge = (mode: Mode) => {
      const previous = open[mode];
      if (previous) previous.burst.cpuMsPerRequest = (cpuTimeMs(instances[mode]!.pid) - previous.cpuMs) / previous.burst.requests;
    };
    for (let round = 1; round <= settings.rounds; round++) {
      const order: Mode[] = round % 2 ? ['off', 'on'] : ['on', 'off'];
      for (const route of ROUTES) {
        for (const mode of order) {
          charge(mode);
          const cpuMs = cpuTimeMs(instances[mode]!.pid);
          const burst: Burst = await load(instances[mode]!, route, settings.seconds);
          open[mode] = { burst, cpuMs };
          results[route.name][mode].push(burst);
          log(
            `round ${round} ${route.name.padEnd(14)} ${mode.padEnd(3)} ${fmt(burst.requestsPerSecond).padStart(6)} req/s  p50 ${burst.p50Ms} ms  p99 ${burst.p99Ms} ms`,
          );
        }
      }
    }
    await settle();
    for (const mode of ['off', 'on'] as const) charge(mode);
    notes = await sanityCheck(on, off, sink);
  } finally {
    await Promise.all(Object.values(instances).map((i) => i.stop()));
    sink?.stop();
    await dropDatabase?.();
    fs.rmSync(root, { recursive: true, force: true });
  }

  log('');
  log('| route | observability | req/s (median) | p50 ms | p99 ms | CPU ms/request |');
  log('|---|---|---:|---:|---:|---:|');
  const ratios: Record<string, number> = {};
  const cpuRatios: Record<string, number> = {};
  for (const route of ROUTES) {
    const s = { off: summarize(results[route.name].off), on: summarize(results[route.name].on) };
    for (const mode of ['off', 'on'] as const) {
      log(
        `| ${route.name === 'database route' ? `GET ${route.path} (database)` : `GET ${route.path}`} | ${mode.toUpperCase()} | ${fmt(s[mode].requestsPerSecond)} | ${s[mode].p50Ms} | ${s[mode].p99Ms} | ${s[mode].cpuMsPerRequest.toFixed(3)} |`,
      );
    }
    ratios[route.name] = s.on.requestsPerSecond / s.off.requestsPerSecond;
    cpuRatios[route.name] = s.off.cpuMsPerRequest / s.on.cpuMsPerRequest;
  }
  log('');
  for (const route of ROUTES) {
    log(`${route.name}: throughput ratio ON/OFF ${ratios[route.name]!.toFixed(3)}; CPU-per-request ratio OFF/ON ${cpuRatios[route.name]!.toFixed(3)}`);
  }
  for (const note of notes) log(`- ${note}`);

  log('');
  log(`Rendering /metrics (median of 25 renders after warm-up):`);
  const render: RenderResult[] = await measureRender(EXTRA_SERIES, 25);
  log('| registry | samples in output | size | Prometheus text ms | OpenMetrics ms |');
  log('|---|---:|---:|---:|---:|');
  for (const r of render) {
    log(`| ${r.shape} | ${fmt(r.seriesInOutput)} | ${fmt(r.bytes / 1024)} KiB | ${r.prometheusMs.toFixed(1)} | ${r.openMetricsMs.toFixed(1)} |`);
  }

  const dbRatio = ratios['database route']!;
  const worstRender = Math.max(...render.slice(1).flatMap((r) => [r.prometheusMs, r.openMetricsMs]));
  const verdicts = [
    `database route ON/OFF throughput ${dbRatio.toFixed(3)} (target ≥ ${TARGET_RATIO}): ${dbRatio >= TARGET_RATIO ? 'met' : 'MISSED'}`,
    `/metrics render with ${fmt(EXTRA_SERIES)} extra series, worst median ${worstRender.toFixed(1)} ms (target < ${TARGET_RENDER_MS} ms): ${worstRender < TARGET_RENDER_MS ? 'met' : 'MISSED'}`,
  ];
  log('');
  log(`load average at the end: ${loadAverage()} (other work on the machine makes the numbers noisier)`);
  for (const v of verdicts) log(v);
  if (process.env.BENCH_JSON) {
    fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ settings, cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg(), results, ratios, cpuRatios, render, notes }, null, 2));
  }
  const missed = dbRatio < TARGET_RATIO || worstRender >= TARGET_RENDER_MS;
  process.exit(missed && process.env.BENCH_STRICT === '1' ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
