/**
 * The browser endpoints are public, so one script must not be able to create
 * metric series (and with them Prometheus memory) at will. 5,000
 * malformed, oversized or hostile posts to the two browser endpoints: every
 * one is answered 4xx (never 5xx) and the scraped /metrics has exactly as many
 * series afterwards as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/context';
import { outside4xx, random, runAll } from '../../../test/fuzz';
import { registrySum } from '../../../test/metrics-helpers';
import { waitFor } from '../../../test/tcp-proxy';

let s: TestServer;
beforeAll(async () => {
  // A high limit, so the fuzz tests validation rather than the rate limiter (browser-metrics.test.ts covers that).
  s = await startTestServer({ BROWSER_METRICS_RATE_LIMIT: '10000000', HEALTH_PROBE_INTERVAL_MS: '100' });
});
afterAll(() => s.cleanup());

interface Post {
  path: '/api/v1/metrics/web-vitals' | '/api/v1/metrics/custom';
  contentType: string | undefined;
  body: string;
  what: string;
}

const VITALS = '/api/v1/metrics/web-vitals' as const;
const CUSTOM = '/api/v1/metrics/custom' as const;
const validVital = () => ({ name: 'LCP', value: 1200, route: '/' });
const validNav = () => ({ name: 'navigation_duration', value: 120, labels: { to_route: '/' } });
const validApi = () => ({
  name: 'api_request_duration',
  value: 80,
  labels: { endpoint: '/api/v1/auth/session', method: 'GET', status_code: '200' },
});

function hostilePosts(n: number): Post[] {
  const r = random(20240611);
  const json = (path: Post['path'], value: unknown, what: string): Post => ({
    path,
    contentType: 'application/json',
    body: JSON.stringify(value),
    what,
  });
  const withId = () =>
    r.pick([`/requests/${r.int(1e9)}`, `/library/${r.word(12)}`, `/admin/users/${r.int(1e6)}`, `/${r.word()}/${r.int(1e6)}`]);
  const hugeNumber = () => r.pick([1e308, 60_001 + r.int(1e9), -1 - r.int(1e6), 1e21, -0.0001, Number.MAX_SAFE_INTEGER + 2]);
  const nanString = () => r.pick(['NaN', 'Infinity', '-Infinity', '1e400', '12', null, true, [], {}]);
  const nested = (depth: number): unknown => (depth === 0 ? r.word() : { [r.word(3)]: nested(depth - 1), arr: [nested(depth - 1)] });
  const deep = () => nested(2 + r.int(4));
  const long = () => 'A'.repeat(20_000 + r.int(5_000));
  const vitalWith = (patch: Record<string, unknown>) => ({ ...validVital(), ...patch });

  const generators: (() => Post)[] = [
    // Vitals: names, values, routes, shapes.
    () => json(VITALS, { metrics: [vitalWith({ name: r.word(), route: withId() })] }, 'random name'),
    () =>
      json(VITALS, { metrics: [vitalWith({ name: r.pick(['lcp', 'FID', 'TTI', 'CLS ', '__proto__', 'constructor']) })] }, 'near-miss name'),
    () => json(VITALS, { metrics: [vitalWith({ value: hugeNumber(), route: withId() })] }, 'huge or negative value'),
    () => json(VITALS, { metrics: [vitalWith({ name: 'CLS', value: 10.5 + r.int(1e6) })] }, 'huge CLS'),
    () => json(VITALS, { metrics: [vitalWith({ value: nanString() })] }, 'value not a number'),
    () => json(VITALS, { metrics: [vitalWith({ route: withId(), rating: r.word() })] }, 'route with id and bad rating'),
    () => json(VITALS, { metrics: [vitalWith({ route: r.pick([42, null, {}, [], true]) })] }, 'route not a string'),
    () => json(VITALS, { metrics: [vitalWith({ route: long() })] }, '20 kB route'),
    () => json(VITALS, { metrics: [vitalWith({ id: long() })] }, '20 kB id'),
    () => json(VITALS, { metrics: [vitalWith({ [r.word()]: deep() })] }, 'nested unknown field'),
    () => json(VITALS, { metrics: [vitalWith({ value: deep() })] }, 'nested value'),
    () => json(VITALS, { metrics: Array.from({ length: 1000 }, validVital) }, '1000 entries'),
    () =>
      json(VITALS, { metrics: Array.from({ length: 51 + r.int(40) }, () => ({ name: 'TTFB', value: 1, route: '/' })) }, 'over 50 entries'),
    () => json(VITALS, { metrics: [] }, 'no entries'),
    () => json(VITALS, { metrics: validVital() }, 'metrics not an array'),
    () => json(VITALS, r.pick([[validVital()], 'LCP', 12, null, true, []]), 'top level not an object'),
    () => json(VITALS, { metrics: [validVital()], userAgent: 'Mozilla/5.0', user_id: r.int(100) }, 'extra top-level keys'),
    () => json(VITALS, { metrics: [{ name: 'LCP', value: 1 }] }, 'missing route'),
    () => json(VITALS, { metrics: [vitalWith({ navigationType: r.word() })] }, 'bad navigation type'),
    // Prototype pollution, written as raw JSON so the keys survive.
    () => ({
      path: VITALS,
      contentType: 'application/json',
      body: `{"__proto__":{"polluted":"yes"},"metrics":[${JSON.stringify(validVital())}]}`,
      what: '__proto__ top',
    }),
    () => ({
      path: VITALS,
      contentType: 'application/json',
      body: `{"metrics":[{"__proto__":{"polluted":"yes"},"name":"LCP","value":1,"route":"/"}]}`,
      what: '__proto__ entry',
    }),
    () => ({
      path: VITALS,
      contentType: 'application/json',
      body: `{"constructor":{"prototype":{"polluted":"yes"}},"metrics":[${JSON.stringify(validVital())}]}`,
      what: 'constructor.prototype',
    }),
    // Not JSON, or not sent as JSON.
    () => ({
      path: r.pick([VITALS, CUSTOM]),
      contentType: 'application/json',
      body: r.pick(['{', '{"metrics":[', "{'metrics':[]}", 'NaN', '{"metrics":[1,]}', '\u0000\u0001', '']),
      what: 'invalid JSON',
    }),
    () => ({
      path: r.pick([VITALS, CUSTOM]),
      contentType: r.pick([
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'text/html',
        'image/png',
        undefined,
      ]),
      body: JSON.stringify({ metrics: [validVital()] }),
      what: 'wrong content type',
    }),
    () => ({
      path: r.pick([VITALS, CUSTOM]),
      contentType: 'application/json; charset=latin1',
      body: JSON.stringify({ metrics: [validVital()] }),
      what: 'unsupported charset',
    }),
    () => ({
      path: r.pick([VITALS, CUSTOM]),
      contentType: 'text/plain',
      body: `{"metrics":[${JSON.stringify(validVital())}],"x":"${long()}"}`,
      what: '20 kB text/plain',
    }),
    // Custom metrics.
    () => json(CUSTOM, { name: r.word(), value: 1, labels: { route: withId() } }, 'random custom name'),
    () => json(CUSTOM, { ...validNav(), labels: { to_route: withId(), [r.word()]: r.word() } }, 'unknown label'),
    () => json(CUSTOM, { ...validNav(), labels: { to_route: deep() } }, 'nested label'),
    () => json(CUSTOM, { ...validNav(), value: hugeNumber() }, 'huge duration'),
    () => json(CUSTOM, { ...validNav(), value: nanString() }, 'duration not a number'),
    () =>
      json(
        CUSTOM,
        { ...validApi(), labels: { ...validApi().labels, method: r.pick(['TRACE', 'get', 'CONNECT', r.word()]) } },
        'bad method',
      ),
    () =>
      json(
        CUSTOM,
        { ...validApi(), labels: { ...validApi().labels, status_code: r.pick(['abc', '600', '99', 1.5, -1, '2000', '']) } },
        'bad status',
      ),
    () => json(CUSTOM, { ...validApi(), labels: { endpoint: `/api/v1/requests/${r.int(1e9)}`, method: 'GET' } }, 'missing status'),
    () => json(CUSTOM, { ...validApi(), user_agent: 'curl/8' }, 'extra field'),
    () => json(CUSTOM, { metrics: Array.from({ length: 1000 }, validApi) }, '1000 custom entries'),
    () => json(CUSTOM, { metrics: [validNav(), { ...validApi(), labels: null }] }, 'one bad entry in a batch'),
    () => json(CUSTOM, { metrics: [validNav()], name: 'navigation_duration' }, 'batch with extra keys'),
    () => json(CUSTOM, r.pick([[validNav()], 'navigation_duration', 0, null, []]), 'custom top level not an object'),
    () => ({
      path: CUSTOM,
      contentType: 'application/json',
      body: `{"__proto__":{"polluted":"yes"},"name":"navigation_duration","value":1,"labels":{"to_route":"/"}}`,
      what: '__proto__ custom',
    }),
    () => ({
      path: CUSTOM,
      contentType: 'application/json',
      body: `{"name":"navigation_duration","value":1,"labels":{"to_route":"/","__proto__":{"polluted":"yes"}}}`,
      what: '__proto__ label',
    }),
  ];
  return Array.from({ length: n }, (_, i) => generators[i % generators.length]!());
}

/** Series lines of an exposition, minus the Node runtime's own (GC kinds and handle types appear as the runtime uses them). */
function seriesLines(body: string): string[] {
  return body
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .filter((l) => !l.startsWith('medianest_nodejs_gc_duration_seconds') && !l.startsWith('medianest_nodejs_active_'))
    .map((l) => l.replace(/ \S+( \S+)?$/, ''));
}

async function scrapeSeries(): Promise<string[]> {
  const res = await fetch(s.metricsUrl!);
  expect(res.status).toBe(200);
  return seriesLines(await res.text());
}

async function post(p: Post): Promise<number> {
  // Without a content type, a byte body (a string body would be sent as text/plain).
  const body = p.contentType ? p.body : new TextEncoder().encode(p.body);
  const res = await fetch(s.baseUrl + p.path, { method: 'POST', headers: p.contentType ? { 'content-type': p.contentType } : {}, body });
  await res.arrayBuffer();
  return res.status;
}

describe('browser metrics endpoints under hostile input', () => {
  it('answers 5,000 bad posts with 4xx and creates no series', async () => {
    // Let start-up work (first runs of the repeating jobs, first health probes) create its series before the baseline.
    const queues = (await s.container.jobs.snapshot()).filter((q) => q.everyMs !== null).map((q) => q.queue);
    await waitFor(async () => {
      for (const queue of queues)
        if ((await registrySum('medianest_background_jobs_total', { queue, status: 'completed' })) < 1) return false;
      return true;
    }, 20_000);
    // One of each answer the endpoints give bad input, so the HTTP metrics already have those series.
    for (const path of [VITALS, CUSTOM]) {
      expect(await post({ path, contentType: 'application/json', body: '{}', what: 'warm-up' })).toBe(400);
      expect(
        await post({
          path,
          contentType: 'application/json',
          body: JSON.stringify({ metrics: Array.from({ length: 51 }, validVital) }),
          what: 'warm-up',
        }),
      ).toBe(413);
      expect(await post({ path, contentType: 'application/xml', body: '<x/>', what: 'warm-up' })).toBe(415);
    }
    let before = await scrapeSeries();
    await waitFor(
      async () => {
        const again = await scrapeSeries();
        const stable = again.length === before.length;
        before = again;
        return stable;
      },
      10_000,
      300,
    );

    const posts = hostilePosts(5_000);
    const started = Date.now();
    const statuses = await runAll(posts, post);
    console.log(`5,000 posts answered in ${Date.now() - started} ms`);
    const codes = [...statuses.keys()].sort();
    expect(outside4xx(statuses)).toEqual([]);
    expect(codes).toEqual([400, 413, 415]);

    const after = await scrapeSeries();
    const added = after.filter((l) => !new Set(before).has(l));
    expect(added).toEqual([]);
    expect(after.length).toBe(before.length);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 180_000);
});
