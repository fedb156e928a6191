/**
 * `npm run bench -- --soak 10m`: one MediaNest with full observability (every
 * request traced and exported to a local OTLP sink, info logs shipped to a
 * local Loki, metrics on) under a steady 200 requests per second of a
 * household's route mix, against the fake Plex, plex.tv and Overseerr:
 * session checks, media search, library, the requests list, static assets and
 * browser beacons. Reports p50/p95/p99, errors, RSS every 30 s, the event
 * loop's p99 delay per 30 s window (the process's own
 * medianest_nodejs_eventloop_lag_p99_seconds) and the heap after a full GC at the end.
 * It fails when the instance did not export spans or ship log lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startUpstreams } from '../test/fakes/upstreams';
import { rssBytes, startInstance } from './instances';
import { startLokiSink, startOtlpSink } from './sinks';
import { steadyLoad, type SteadyRequest, type SteadyResult } from './steady';

const FRONTEND_DIST = path.resolve(__dirname, '../../../frontend/dist');
const GC_PROBE = path.join(__dirname, 'gc-probe.js');

export interface SoakReport {
  seconds: number;
  rate: number;
  result: SteadyResult;
  rssMb: { atSeconds: number; mb: number }[];
  eventLoopP99Ms: number[];
  heapAfterGcMb: number;
  spanBatches: number;
  lokiLines: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => bytes / 1024 / 1024;

/** `10m`, `90s`, `1h` or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`--soak wants a duration like 10m or 90s, not "${text}"`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

function staticAsset(): string {
  const assets = path.join(FRONTEND_DIST, 'assets');
  const file = fs.existsSync(assets) ? fs.readdirSync(assets).find((f) => f.endsWith('.js')) : undefined;
  if (!file)
    throw new Error(`static assets are part of the soak mix, but ${FRONTEND_DIST} has no built assets: run \`npm run build\` first`);
  return `/assets/${file}`;
}

function routeMix(cookie: string): SteadyRequest[] {
  const auth = { cookie };
  const asset = staticAsset();
  const session: SteadyRequest = { name: 'session', method: 'GET', path: '/api/v1/auth/session', headers: auth };
  const search: SteadyRequest = { name: 'media search', method: 'GET', path: '/api/v1/media/search?q=dune', headers: auth };
  const library: SteadyRequest = { name: 'library', method: 'GET', path: '/api/v1/plex/libraries', headers: auth };
  const requests: SteadyRequest = { name: 'requests list', method: 'GET', path: '/api/v1/media/requests', headers: auth };
  const assetReq: SteadyRequest = { name: 'static asset', method: 'GET', path: asset };
  const page: SteadyRequest = { name: 'static asset', method: 'GET', path: '/' };
  const beacon: SteadyRequest = {
    name: 'browser beacon',
    method: 'POST',
    path: '/api/v1/metrics/web-vitals',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      metrics: [
        { name: 'LCP', value: 1200, route: '/' },
        { name: 'TTFB', value: 80, route: '/' },
      ],
    }),
  };
  // 20 requests: 6 session, 3 search, 3 library, 4 requests list, 2 static, 2 beacons.
  return [
    session,
    requests,
    search,
    session,
    library,
    assetReq,
    requests,
    session,
    beacon,
    search,
    session,
    library,
    requests,
    page,
    session,
    search,
    requests,
    beacon,
    session,
    library,
  ];
}

function eventLoopP99(scrape: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith('medianest_nodejs_eventloop_lag_p99_seconds'));
  return line ? Number(line.split(' ').pop()) * 1000 : undefined;
}

export async function runSoak(
  root: string,
  options: { seconds: number; rate: number; databaseUrl?: string; redis?: { url: string; keyPrefix: string }; log: (line: string) => void },
): Promise<SoakReport> {
  const upstreams = await startUpstreams();
  const otlp = await startOtlpSink();
  const loki = await startLokiSink();
  let instance: Awaited<ReturnType<typeof startInstance>> | undefined;
  try {
    const dataDir = path.join(root, 'soak');
    instance = await startInstance({
      name: 'soak',
      dataDir,
      observability: true,
      otlpEndpoint: otlp.url,
      lokiUrl: loki.url,
      databaseUrl: options.databaseUrl,
      redis: options.redis,
      // Beacons come from many browsers in real life; one load generator must not hit the per-IP limit.
      extraEnv: { ...upstreams.env, BROWSER_METRICS_RATE_LIMIT: '10000000' },
      nodeArgs: ['--expose-gc', '--require', GC_PROBE],
    });
    const pid = instance.pid;
    const metricsUrl = instance.metricsUrl!;
    const mix = routeMix(instance.cookie);
    // Warm-up: 15 s at the same rate, then the measured run.
    options.log(`warm-up: 15 s at ${options.rate} req/s`);
    await steadyLoad(instance.baseUrl, mix, { rate: options.rate, seconds: 15 });
    await fetch(metricsUrl); // starts a fresh event-loop window
    const rssMb = [{ atSeconds: 0, mb: mb(rssBytes(pid)) }];
    const eventLoopP99Ms: number[] = [];
    options.log(`soak: ${options.seconds} s at ${options.rate} req/s; RSS at start ${rssMb[0]!.mb.toFixed(0)} MB`);
    const result = await steadyLoad(instance.baseUrl, mix, {
      rate: options.rate,
      seconds: options.seconds,
      tickMs: 30_000,
      onTick: async (elapsedMs) => {
        const sample = { atSeconds: Math.round(elapsedMs / 1000), mb: mb(rssBytes(pid)) };
        rssMb.push(sample);
        const lag = eventLoopP99(await (await fetch(metricsUrl)).text());
        if (lag !== undefined) eventLoopP99Ms.push(lag);
        options.log(
          `  ${String(sample.atSeconds).padStart(5)} s  RSS ${sample.mb.toFixed(0)} MB  event-loop p99 ${lag?.toFixed(1) ?? '?'} ms`,
        );
      },
    });
    rssMb.push({ atSeconds: options.seconds, mb: mb(rssBytes(pid)) });
    const lag = eventLoopP99(await (await fetch(metricsUrl)).text());
    if (lag !== undefined) eventLoopP99Ms.push(lag);

    // Heap after a full GC (the probe prints one line to the instance's stdout).
    const before = fs.readFileSync(instance.stdoutFile, 'utf8').length;
    process.kill(pid, 'SIGUSR2');
    let heapAfterGcMb = Number.NaN;
    for (let i = 0; i < 50 && Number.isNaN(heapAfterGcMb); i++) {
      await sleep(100);
      const probe = /gc-probe (\{.*\})/.exec(fs.readFileSync(instance.stdoutFile, 'utf8').slice(before));
      if (probe) heapAfterGcMb = mb((JSON.parse(probe[1]!) as { heapUsed: number }).heapUsed);
    }
    await sleep(6000); // the last span batch and log push leave
    const [spans, lines] = await Promise.all([otlp.stats(), loki.stats()]);
    if (spans.exports === 0) throw new Error('soak: full observability claimed, but no spans reached the OTLP sink');
    if (eventLoopP99Ms.length === 0)
      throw new Error('soak: the instance reported no event-loop delay (medianest_nodejs_eventloop_lag_p99_seconds)');
    if (lines.lines === 0) throw new Error('soak: full observability claimed, but no log lines reached the Loki sink');
    return {
      seconds: options.seconds,
      rate: options.rate,
      result,
      rssMb,
      eventLoopP99Ms,
      heapAfterGcMb,
      spanBatches: spans.exports,
      lokiLines: lines.lines,
    };
  } finally {
    await instance?.stop();
    otlp.stop();
    loki.stop();
    await upstreams.stop();
  }
}
