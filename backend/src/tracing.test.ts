/**
 * Traces and logs end to end, on the built process (`node dist/main.js`) —
 * tracing is process-global, so every case here runs MediaNest (or a small
 * script on dist/tracing.js) in a fresh child process, with a local OTLP
 * receiver, a local Loki receiver and a fake plex.tv. Build first:
 * `npx tsc -p tsconfig.build.json`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, DIST_DIR, startAppProcess, type AppProcess } from '../test/app-process';
import { ADMIN_PASSWORD, prepareTestEnv, type TestEnv } from '../test/context';
import { FakePlexTv } from '../test/fakes/fake-plex-tv';
import { startLokiReceiver, type LokiReceiver } from '../test/receivers/loki-receiver';
import { SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../test/receivers/otlp-receiver';

const E2E_TIMEOUT = 120_000;

function isDescendant(span: ReceivedSpan, ancestor: ReceivedSpan, spans: ReceivedSpan[]): boolean {
  let current: ReceivedSpan | undefined = span;
  for (let depth = 0; current && depth < 50; depth++) {
    if (current.parentSpanId === ancestor.spanId) return true;
    current = spans.find((s) => s.spanId === current!.parentSpanId && s.traceId === span.traceId);
  }
  return false;
}

const isDbSpan = (s: ReceivedSpan) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql';
const isDbStatement = (s: ReceivedSpan) =>
  isDbSpan(s) && typeof (s.attributes['db.query.text'] ?? s.attributes['db.statement']) === 'string';
const isHttpClient = (s: ReceivedSpan) => s.kind === SPAN_KIND.CLIENT && typeof s.attributes['url.full'] === 'string';
const serverSpan = (route: string) => (s: ReceivedSpan) => s.kind === SPAN_KIND.SERVER && s.attributes['http.route'] === route;

async function login(baseUrl: string, password = ADMIN_PASSWORD): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
}

function logFiles(dataDir: string): string {
  const dir = path.join(dataDir, 'logs');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

/** Runs a script with node in dist/ (so `require('./tracing.js')` is the built bootstrap). */
function runNode(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', script],
      { cwd: DIST_DIR, env: { PATH: process.env.PATH ?? '', DATA_DIR: '/nonexistent-medianest', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('tracing bootstrap', () => {
  const probe = (env: Record<string, string>) => {
    assertBuilt();
    const script = `
      require('./tracing.js');
      const loaded = Object.keys(require.cache).filter((k) => k.includes('@opentelemetry'));
      console.log(JSON.stringify({ sdk: loaded.some((k) => k.includes('sdk-trace-node')), instrumentations: loaded.filter((k) => k.includes('instrumentation-')).length }));
      process.exit(0);`;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: DIST_DIR,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: '/nonexistent-medianest', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim().split('\n').pop()!) as { sdk: boolean; instrumentations: number };
  };

  it('does not even load the SDK when no OTLP endpoint is configured', () => {
    expect(probe({})).toEqual({ sdk: false, instrumentations: 0 });
  });

  it('starts the SDK with its instrumentations when OTEL_EXPORTER_OTLP_ENDPOINT (or JAEGER_ENDPOINT) is set', () => {
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }).sdk).toBe(true);
    const alias = probe({ JAEGER_ENDPOINT: 'http://127.0.0.1:9' });
    expect(alias.sdk).toBe(true);
    expect(alias.instrumentations).toBeGreaterThan(0);
  });
});

describe('an instrumented fetch inside an active span', () => {
  let otlp: OtlpReceiver;
  let upstream: FakePlexTv;
  beforeEach(async () => {
    otlp = await startOtlpReceiver();
    upstream = new FakePlexTv();
    await upstream.start();
  });
  afterEach(async () => {
    await otlp.close();
    await upstream.stop();
  });

  it('makes a CLIENT span under the caller and sends W3C traceparent upstream, with no token in the span', async () => {
    assertBuilt();
    const script = `
      const { shutdownTracing } = require('./tracing.js');
      const api = require('@opentelemetry/api');
      api.trace.getTracer('test').startActiveSpan('caller', async (span) => {
        const res = await fetch(process.env.UPSTREAM + '/api/v2/user?X-Plex-Token=query-secret-4711', { headers: { 'X-Plex-Token': 'header-secret-4711' } });
        await res.text();
        const { traceId, spanId } = span.spanContext();
        span.end();
        await shutdownTracing(5000);
        console.log(JSON.stringify({ traceId, spanId, status: res.status }));
      });`;
    // Asynchronous: the upstream and the receiver answer from this process's event loop.
    const result = await runNode(script, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, UPSTREAM: upstream.url });
    expect(result.status, result.stderr).toBe(0);
    const caller = JSON.parse(result.stdout.trim().split('\n').pop()!) as { traceId: string; spanId: string; status: number };
    expect(caller.status).toBe(401);

    const client = otlp.spans.find((s) => s.kind === SPAN_KIND.CLIENT && s.traceId === caller.traceId);
    expect(client, 'CLIENT span exported').toBeDefined();
    expect(client!.parentSpanId).toBe(caller.spanId);
    expect(client!.attributes['http.request.method']).toBe('GET');
    expect(client!.attributes['http.response.status_code']).toBe(401);

    const [received] = upstream.requestsTo('/api/v2/user');
    expect(received?.headers.traceparent).toBe(`00-${caller.traceId}-${client!.spanId}-01`);

    const exported = otlp.bodies.join('\n');
    expect(exported).not.toContain('query-secret-4711');
    expect(exported).not.toContain('header-secret-4711');
  });
});

describe('MediaNest with traces and Loki', () => {
  let env: TestEnv;
  let otlp: OtlpReceiver;
  let loki: LokiReceiver;
  let plexTv: FakePlexTv;
  let app: AppProcess | undefined;

  beforeEach(async () => {
    otlp = await startOtlpReceiver();
    loki = await startLokiReceiver();
    plexTv = new FakePlexTv();
    await plexTv.start();
  });
  afterEach(async () => {
    if (app) {
      app.child.kill('SIGKILL');
      await app.exited;
      app = undefined;
    }
    await Promise.all([otlp.close(), loki.close(), plexTv.stop()]);
    await env?.cleanup();
  });

  async function start(extra: Record<string, string> = {}): Promise<AppProcess> {
    env = await prepareTestEnv({
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      LOKI_URL: loki.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      PLEX_TV_URL: plexTv.url,
      ...extra,
    });
    app = await startAppProcess(env.env);
    return app;
  }

  it(
    'one request gives a SERVER span with its route, a database child span, a CLIENT span that sent traceparent, and log lines with the same trace id in Loki',
    async () => {
      const proc = await start();
      const signedIn = await login(proc.baseUrl);
      expect(signedIn.status).toBe(200);
      const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;

      const res = await fetch(`${proc.baseUrl}/api/v1/auth/plex/pin`, {
        method: 'POST',
        headers: { cookie, 'x-requested-with': 'XMLHttpRequest' },
      });
      expect(res.status).toBe(201);
      const requestId = res.headers.get('x-request-id');

      // (a) the trace
      await otlp.waitFor((spans) => spans.some(serverSpan('/api/v1/auth/plex/pin')), 15_000, 'the SERVER span of POST /pin');
      const server = otlp.spans.find(serverSpan('/api/v1/auth/plex/pin'))!;
      expect(server.name).toBe('POST /api/v1/auth/plex/pin');
      expect(server.attributes['http.response.status_code']).toBe(201);
      expect(server.resource).toMatchObject({
        'service.name': 'medianest-backend',
        'service.version': expect.any(String),
        'deployment.environment': 'production',
        'service.instance.id': expect.any(String),
      });
      // The upstream got W3C traceparent naming this trace and the CLIENT span of the call as parent.
      const [pinCall] = plexTv.requestsTo('/api/v2/pins', 'POST');
      const [version, sentTraceId, parentId, flags] = String(pinCall?.headers.traceparent).split('-');
      expect([version, sentTraceId, flags]).toEqual(['00', server.traceId, '01']);
      await otlp.waitFor((spans) => spans.some((s) => s.spanId === parentId), 10_000, 'the CLIENT span named in traceparent');
      const trace = otlp.spans.filter((s) => s.traceId === server.traceId);
      const client = trace.find((s) => s.spanId === parentId)!;
      expect(isHttpClient(client)).toBe(true);
      expect(isDescendant(client, server, trace)).toBe(true);
      expect(client.attributes['url.full']).toContain('/api/v2/pins');
      expect(client.attributes['http.response.status_code']).toBe(201);

      const dbSpans = trace.filter((s) => isDbStatement(s) && isDescendant(s, server, trace));
      expect(dbSpans.length, 'database child span (the session lookup)').toBeGreaterThan(0);
      expect(
        dbSpans.some((s) => {
          const text = s.attributes['db.query.text'] ?? s.attributes['db.statement'];
          return typeof text === 'string' && text.includes('sessions');
        }),
      ).toBe(true);
      // The rate limiter's counters (Redis on PostgreSQL deployments) are bookkeeping: no spans in the trace.
      const statementOf = (s: ReceivedSpan) => (typeof s.attributes['db.statement'] === 'string' ? s.attributes['db.statement'] : '');
      expect(trace.filter((s) => statementOf(s).includes('ratelimit') || ['multi', 'exec'].includes(s.name)).map((s) => s.name)).toEqual(
        [],
      );
      // One span per query, from the driver wrapper on both databases (pg's instrumentation is not loaded).
      const dbScopes = new Set(dbSpans.map((s) => s.scope));
      expect([...dbScopes]).toEqual(['medianest-backend']);

      // The login before it: its own trace, with its own database spans.
      const loginServer = otlp.spans.find(serverSpan('/api/v1/auth/login'));
      expect(loginServer).toBeDefined();
      expect(otlp.spans.some((s) => isDbStatement(s) && isDescendant(s, loginServer!, otlp.spans))).toBe(true);

      // (b) the logs of that request, in Loki, carry the same trace id
      await loki.waitFor((lines) => lines.some((l) => l.json?.request_id === requestId && l.json?.event === 'http.access'));
      const requestLines = loki.lines.filter((l) => l.json?.request_id === requestId);
      expect(requestLines.length).toBeGreaterThan(0);
      for (const l of requestLines) expect(l.json?.trace_id).toBe(server.traceId);
      const access = requestLines.find((l) => l.json?.event === 'http.access')!;
      expect(access.json).toMatchObject({ method: 'POST', route: '/api/v1/auth/plex/pin', status: 201, user_id: expect.any(String) });
      for (const l of loki.lines) expect(l.labels).toEqual({ service: 'medianest-backend', environment: 'production' });

      // Exemplars: the latency observation links to the same trace.
      const scrape = await fetch(proc.metricsUrl!, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      const exemplars = (await scrape.text())
        .split('\n')
        .filter((l) => l.startsWith('medianest_http_request_duration_seconds_bucket') && l.includes('endpoint="/api/v1/auth/plex/pin"'));
      expect(exemplars.some((l) => l.includes(`# {trace_id="${server.traceId}"}`))).toBe(true);

      // Health probes and the metrics listener are not traced.
      expect((await fetch(`${proc.baseUrl}/health/ready`)).status).toBe(200);
      const marker = await fetch(`${proc.baseUrl}/api/v1/auth/session`);
      expect(marker.status).toBe(401);
      await otlp.waitFor((spans) => spans.some(serverSpan('/api/v1/auth/session')), 15_000, 'the SERVER span after the probes');
      const paths = otlp.spans.filter((s) => s.kind === SPAN_KIND.SERVER).map((s) => s.attributes['url.path']);
      expect(paths).not.toContain('/health/ready');
      expect(paths).not.toContain('/metrics');
    },
    E2E_TIMEOUT,
  );

  it(
    'keeps every secret out of log files, shipped batches and exported spans',
    async () => {
      const secrets = {
        password: 'Pw-secret-8d1f5e',
        cookie: 'cookie-secret-3b7a9c',
        bearer: 'bearer-secret-6e2d4f',
        plexHeader: 'plexhdr-secret-1c8b3a',
        plexQuery: 'plexqry-secret-9f4e2d',
        apiKey: 'apikey-secret-5a7c1e',
        webhook: 'webhook-secret-2d9f6b',
        wrongWebhook: 'wrong-webhook-7b3e8a',
      };
      const proc = await start({ LOG_LEVEL: 'trace', OVERSEERR_WEBHOOK_SECRET: secrets.webhook });
      const base = proc.baseUrl;
      const sent: Response[] = [];
      sent.push(await login(base, secrets.password));
      const signedIn = await login(base);
      const sessionCookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
      const sessionToken = sessionCookie.split('=')[1]!;
      sent.push(await fetch(`${base}/api/v1/auth/session`, { headers: { cookie: sessionCookie } }));
      sent.push(await fetch(`${base}/api/v1/auth/session`, { headers: { cookie: `medianest_session=${secrets.cookie}` } }));
      sent.push(await fetch(`${base}/api/v1/auth/session`, { headers: { authorization: `Bearer ${secrets.bearer}` } }));
      sent.push(
        await fetch(`${base}/api/v1/plex/libraries?X-Plex-Token=${secrets.plexQuery}`, {
          headers: { 'x-plex-token': secrets.plexHeader, cookie: sessionCookie },
        }),
      );
      sent.push(await fetch(`${base}/api/v1/no-such-route?X-Plex-Token=${secrets.plexQuery}&other=1`));
      sent.push(await fetch(`${base}/api/v1/media/search?query=dune`, { headers: { 'x-api-key': secrets.apiKey } }));
      for (const authorization of [secrets.webhook, secrets.wrongWebhook]) {
        sent.push(
          await fetch(`${base}/api/v1/webhooks/overseerr`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body: JSON.stringify({ notification_type: 'TEST_NOTIFICATION', subject: 'Test' }),
          }),
        );
      }
      expect(sent.map((r) => r.status)).not.toContain(0);
      const lastRequestId = sent.at(-1)!.headers.get('x-request-id');

      expect(await proc.stop()).toBe(0);
      // Everything was flushed on the way out: the last request's lines and spans are there.
      expect(loki.lines.some((l) => l.json?.request_id === lastRequestId)).toBe(true);
      expect(otlp.spans.some((s) => s.kind === SPAN_KIND.SERVER && s.attributes['url.path'] === '/api/v1/no-such-route')).toBe(true);
      const noRoute = otlp.spans.find((s) => s.attributes['url.path'] === '/api/v1/no-such-route')!;
      expect(noRoute.attributes['url.query']).toBe('X-Plex-Token=[REDACTED]&other=1');
      // Unmatched: no route template to name it by (never the raw path, never a router's mount path).
      expect(noRoute.name).toBe('GET');
      expect(noRoute.attributes['http.route']).toBeUndefined();

      const places = {
        'log files': logFiles(env.dataDir),
        'Loki batches': loki.bodies.join('\n'),
        'exported spans': otlp.bodies.join('\n'),
        'console output': proc.output(),
      };
      expect(places['log files'].length).toBeGreaterThan(0);
      for (const [where, text] of Object.entries(places)) {
        for (const [what, secret] of Object.entries({ ...secrets, adminPassword: ADMIN_PASSWORD, sessionToken })) {
          expect(text.includes(secret), `${what} found in ${where}`).toBe(false);
        }
      }
    },
    E2E_TIMEOUT,
  );

  it(
    'on SIGTERM during traffic, exits 0 after the final log batch and the last spans were delivered',
    async () => {
      // Spans wait up to 5 s in the batch processor, Loki lines up to 1 s: only the shutdown flush gets them out in time.
      const proc = await start({ OTEL_BSP_SCHEDULE_DELAY: '5000' });
      const completed: Array<{ requestId: string; traceId: string }> = [];
      let stopTraffic = false;
      const worker = async () => {
        while (!stopTraffic) {
          const traceId = randomBytes(16).toString('hex');
          try {
            const res = await fetch(`${proc.baseUrl}/api/v1/auth/session`, {
              headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
            });
            await res.text();
            completed.push({ requestId: res.headers.get('x-request-id')!, traceId });
          } catch {
            await new Promise((r) => setTimeout(r, 10)); // refused once the server stopped accepting
          }
        }
      };
      const workers = Array.from({ length: 6 }, worker);
      while (completed.length < 60) await new Promise((r) => setTimeout(r, 10));
      proc.child.kill('SIGTERM');
      const code = await proc.exited;
      stopTraffic = true;
      await Promise.all(workers);

      expect(code).toBe(0);
      expect(loki.lines.some((l) => l.json?.event === 'server.stopped')).toBe(true);
      const shipped = new Set(loki.lines.map((l) => l.json?.request_id));
      const traced = new Set(otlp.spans.filter((s) => s.kind === SPAN_KIND.SERVER).map((s) => s.traceId));
      const missingLines = completed.filter((c) => !shipped.has(c.requestId));
      const missingSpans = completed.filter((c) => !traced.has(c.traceId));
      expect(missingLines, 'access lines of answered requests missing from Loki').toEqual([]);
      expect(missingSpans, 'SERVER spans of answered requests not exported').toEqual([]);
    },
    E2E_TIMEOUT,
  );
});
