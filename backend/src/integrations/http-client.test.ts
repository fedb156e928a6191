import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { createLogger, logger, setLogger } from '../observability/logging/logger';
import { circuitBreakerState, externalApiDuration } from '../observability/metrics/catalog';
import { BreakerRegistry } from '../resilience/breakers';
import { FakeHttpServer, json } from '../../test/fakes/fake-server';
import { CALL_STATUSES, HttpClient, UpstreamClientError } from './http-client';

const SECRET = 'sekret-api-key-that-must-not-leak';

let fake: FakeHttpServer;
let registry: BreakerRegistry;
const lines: string[] = [];
const previousLogger = logger();

beforeAll(async () => {
  fake = new FakeHttpServer('upstream');
  fake.route('GET', '/ok', () => json(200, { hello: 'world' }));
  fake.route('POST', '/ok', () => json(201, { created: true }));
  fake.route('GET', '/missing', () => json(404, { message: 'Request not found.' }));
  fake.route('GET', '/text', () => ({ status: 200, body: '<html>proxy login</html>' }));
  // Seerr answers 500 for one title whose TMDB lookup fails, and 200 for everything else.
  fake.route('GET', '/broken-title', () => json(500, { message: '[TMDB] Failed to fetch movie details' }));
  let limited = 0;
  fake.route('GET', '/limited-once', () =>
    limited++ === 0 ? json(429, { message: 'slow down' }, { 'Retry-After': '0' }) : json(200, { ok: true }),
  );
  fake.route('GET', '/limited-long', () => json(429, { message: 'slow down' }, { 'Retry-After': '120' }));
  await fake.start();
  setLogger(
    createLogger({ level: 'debug', version: 'test', environment: 'test', destination: { write: (s: string) => void lines.push(s) } }),
  );
});

afterAll(async () => {
  setLogger(previousLogger);
  await fake.stop();
});

afterEach(() => {
  fake.recover();
  fake.clearRequests();
  registry?.close();
});

function client(options: { resetTimeoutMs?: number; volumeThreshold?: number; timeoutMs?: number } = {}): HttpClient {
  registry = new BreakerRegistry({
    resetTimeoutMs: options.resetTimeoutMs ?? 60_000,
    errorThresholdPercentage: 50,
    volumeThreshold: options.volumeThreshold ?? 5,
    rollingWindowMs: 10_000,
  });
  return new HttpClient({
    service: 'overseerr',
    displayName: 'Overseerr',
    baseUrl: fake.url,
    headers: { 'X-Api-Key': SECRET },
    breaker: registry.get('overseerr'),
    timeoutMs: options.timeoutMs ?? 2000,
    retries: 2,
    retryBaseDelayMs: 5,
  });
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

async function callsCounted(operation: string, status: string): Promise<number> {
  const metric = await externalApiDuration.get();
  return (
    metric.values.find(
      (v) =>
        v.metricName === 'medianest_external_api_duration_seconds_count' && v.labels.operation === operation && v.labels.status === status,
    )?.value ?? 0
  );
}

async function breakerGauge(service: string): Promise<number | undefined> {
  return (await circuitBreakerState.get()).values.find((v) => v.labels.service === service)?.value;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the one HTTP client', () => {
  it('sends credentials in headers and parses JSON', async () => {
    const http = client();
    expect(await http.json({ operation: 'okCall', path: '/ok', query: { q: 'x y' } })).toEqual({ hello: 'world' });
    const [req] = fake.requestsTo('/ok');
    expect(req!.headers['x-api-key']).toBe(SECRET);
    expect(req!.headers.accept).toBe('application/json');
    expect(req!.query).toEqual({ q: 'x y' });
  });

  it('retries a GET on 5xx with backoff, then answers 503 naming the service and reason', async () => {
    const http = client();
    fake.failWith(500);
    const err = await failure(http.json({ operation: 'retriedGet', path: '/ok' }));
    expect(err.status).toBe(503);
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toBe('Overseerr is unavailable right now (it answered 500)');
    expect(fake.requestsTo('/ok', 'GET')).toHaveLength(3);
    expect(await callsCounted('retriedGet', 'server_error')).toBe(1);
  });

  it('never retries a POST', async () => {
    const http = client();
    fake.failWith(502);
    const err = await failure(http.json({ operation: 'createThing', method: 'POST', path: '/ok', json: { a: 1 } }));
    expect(err.status).toBe(503);
    expect(fake.requestsTo('/ok', 'POST')).toHaveLength(1);
  });

  it('retries a 429 when Retry-After is short and gives up when it is too long', async () => {
    const http = client();
    expect(await http.json({ operation: 'limitedOnce', path: '/limited-once' })).toEqual({ ok: true });
    expect(fake.requestsTo('/limited-once')).toHaveLength(2);
    const err = await failure(http.json({ operation: 'limitedLong', path: '/limited-long' }));
    expect(err).toBeInstanceOf(UpstreamClientError);
    expect(fake.requestsTo('/limited-long')).toHaveLength(1);
  });

  it('turns a hang into a timeout without retrying it', async () => {
    const http = client({ timeoutMs: 150 });
    fake.hang();
    const err = await failure(http.json({ operation: 'hungCall', path: '/ok' }));
    expect(err.status).toBe(503);
    expect(err.message).toBe('Overseerr is unavailable right now (no answer within 150 ms)');
    expect(fake.requestsTo('/ok')).toHaveLength(1);
    expect(await callsCounted('hungCall', 'timeout')).toBe(1);
  });

  it('opens on a hang even when each timed-out call outlasts the rolling window, calls arriving one at a time', async () => {
    // Production proportions: a call gives up after as long as the whole statistics window (10 s and 10 s),
    // so the window never holds more than one finished failure and a percentage alone never trips.
    registry = new BreakerRegistry({ resetTimeoutMs: 60_000, errorThresholdPercentage: 50, volumeThreshold: 5, rollingWindowMs: 300 });
    const http = new HttpClient({
      service: 'overseerr',
      displayName: 'Overseerr',
      baseUrl: fake.url,
      breaker: registry.get('overseerr'),
      timeoutMs: 300,
      retries: 2,
      retryBaseDelayMs: 5,
    });
    fake.hang();
    let timedOut = 0;
    for (; timedOut < 10; timedOut++) {
      const err = await failure(http.json({ operation: 'hungOneByOne', path: '/ok' }));
      if (err.message === 'Overseerr is unavailable right now (it failed repeatedly; calls are paused for a moment)') break;
      expect(err.message).toBe('Overseerr is unavailable right now (no answer within 300 ms)');
    }
    expect(timedOut).toBeLessThanOrEqual(3);
    expect(await breakerGauge('overseerr')).toBe(1);
    const before = fake.requests.length;
    const fast = await failure(http.json({ operation: 'hungOneByOne', path: '/ok' }));
    expect(fast.headers).toMatchObject({ 'Retry-After': '60' });
    expect(fake.requests.length).toBe(before); // no call reached the hung upstream
  });

  it('reports a non-JSON answer as the upstream’s fault', async () => {
    const http = client();
    const err = await failure(http.json({ operation: 'textCall', path: '/text', retries: 0 }));
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/not JSON/);
  });

  it('does not count 4xx answers against the breaker', async () => {
    const http = client({ volumeThreshold: 2 });
    for (let i = 0; i < 10; i++) {
      const err = await failure(http.json({ operation: 'missingCall', path: '/missing' }));
      expect(err).toBeInstanceOf(UpstreamClientError);
      expect((err as UpstreamClientError).upstreamStatus).toBe(404);
      expect(err.status).toBe(502);
      expect(err.message).toBe('Overseerr refused the request (404: Request not found.)');
    }
    expect(registry.get('overseerr').state).toBe('closed');
    expect(fake.requestsTo('/missing')).toHaveLength(10); // 4xx is never retried
    expect(await callsCounted('missingCall', 'client_error')).toBe(10);
  });

  it('keeps the breaker closed when one call keeps failing with a 5xx answer among working ones', async () => {
    const http = client();
    for (let i = 0; i < 10; i++) await http.json({ operation: 'search', path: '/ok' });
    const err = await failure(http.json({ operation: 'movie', path: '/broken-title' }));
    expect(err.status).toBe(503);
    expect(fake.requestsTo('/broken-title')).toHaveLength(3); // retried twice: three 500s in a row
    // …yet the service answered each time, and most calls work: other members' calls go on.
    expect(registry.get('overseerr').state).toBe('closed');
    expect(await http.json({ operation: 'search', path: '/ok' })).toEqual({ hello: 'world' });
  });

  it('opens the breaker on repeated failures, fails fast without network, and closes after recovery', async () => {
    const http = client({ volumeThreshold: 3, resetTimeoutMs: 1000 });
    fake.failWith(500);
    await failure(http.json({ operation: 'flaky', path: '/ok' })); // 3 attempts → 3 failures → open
    expect(registry.get('overseerr').state).toBe('open');
    expect(await breakerGauge('overseerr')).toBe(1);

    const before = fake.requests.length;
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const err = await failure(http.json({ operation: 'flaky', path: '/ok' }));
      durations.push(performance.now() - started);
      expect(err.status).toBe(503);
      expect(err.message).toBe('Overseerr is unavailable right now (it failed repeatedly; calls are paused for a moment)');
    }
    // Fails fast: the median call (robust against one scheduling hiccup on a busy machine) is far below 50 ms.
    expect(durations.sort((a, b) => a - b)[2]).toBeLessThan(50);
    expect(fake.requests.length).toBe(before);
    expect(await callsCounted('flaky', 'rejected')).toBe(5);
    expect(lines.some((l) => l.includes('"event":"circuit_breaker.open"') && l.includes('"level":"warn"'))).toBe(true);
    // A dependency's outage is a warning with a one-line reason: nothing at error level, no stack trace.
    expect(lines.filter((l) => l.includes('"level":"error"') || l.includes('"stack"'))).toEqual([]);

    fake.recover();
    await until(async () => (await breakerGauge('overseerr')) === 2, 'half-open');
    expect(await http.json({ operation: 'flaky', path: '/ok' })).toEqual({ hello: 'world' });
    expect(await breakerGauge('overseerr')).toBe(0);
    expect(registry.get('overseerr').state).toBe('closed');
    expect(lines.some((l) => l.includes('"event":"circuit_breaker.close"') && l.includes('"level":"info"'))).toBe(true);
  });

  it('labels durations with fixed operation names and a known status, never a URL', async () => {
    const metric = await externalApiDuration.get();
    const labels = metric.values.map((v) => v.labels);
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) {
      expect(String(l.operation)).toMatch(/^[A-Za-z]+$/);
      expect(CALL_STATUSES).toContain(l.status);
    }
  });

  it('names the upstream in its own field: one `service` key per line, the process itself', () => {
    const aboutUpstream = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => ['upstream.retry', 'upstream.failed', 'circuit_breaker.open', 'circuit_breaker.close'].includes(String(l.event)));
    expect(aboutUpstream.length).toBeGreaterThanOrEqual(4);
    for (const line of aboutUpstream) {
      expect(line.upstream).toBe('overseerr');
      expect(line.service).toBe('medianest-backend');
    }
    // pino writes a duplicate key twice; JSON.parse would hide it, the raw line does not.
    for (const raw of lines.filter((l) => l.includes('"upstream":'))) expect(raw.match(/"service":/g)).toHaveLength(1);
  });

  it('never writes the API key to a log line', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('"event":"upstream.retry"'))).toBe(true);
    expect(lines.some((l) => l.includes('"event":"upstream.failed"') && l.includes(`"url":"${fake.url}/ok"`))).toBe(true);
    for (const l of lines) expect(l).not.toContain(SECRET);
  });
});
