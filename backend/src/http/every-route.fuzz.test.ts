/**
 * A client's mistake is never our 5xx. Every route of the app (read from its
 * router, so a new route is fuzzed without anyone listing it) gets junk sent
 * raw over TCP, anonymously and with a member's or an admin's session: broken
 * percent-encodings in paths and queries, bodies declared gzip, deflate or br
 * that are not, bad and huge headers, odd methods and content types, bodies
 * cut short. The run must answer no 5xx, log nothing at error level, and
 * leave the 5xx counters (Prometheus and the Ops page's window) where they were.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { httpOpsWindow } from '../observability/metrics/ops-window';
import { createUser, loginCookie } from '../../test/auth-helpers';
import { startTestServer, type TestServer } from '../../test/context';
import { startUpstreams, type Upstreams } from '../../test/fakes/upstreams';
import { listRoutes, outside4xx, random, runAll, sendRaw, type Random, type RouteInfo, type StatusTally } from '../../test/fuzz';
import { captureLogs, scrape, type CapturedLog } from '../../test/metrics-helpers';

const ALERTS_TOKEN = 'fuzz-alerts-token-7c1e';
let up: Upstreams;
beforeAll(async () => {
  up = await startUpstreams();
});
afterAll(async () => {
  await up?.stop();
});

interface Junk {
  what: string;
  method: string;
  target: string;
  headers: [string, string][];
  body?: Buffer;
  /** Bytes sent as they are, after the request head (framing the server must reject). */
  raw?: Buffer;
  /** The body is cut short: the client stops sending, so the answer may never come. */
  truncated?: boolean;
}

const BAD_ENCODINGS = [
  '%zz',
  '%',
  '%E0%A4%A',
  '%00',
  '%C0%AF',
  '%ED%A0%80',
  '%uD800',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%%32%65',
  '%FF%FE',
  '%0d%0aX-Injected:%201',
  '%25zz',
  '..%2f..%2f',
  '%E2%82',
];
const BAD_QUERIES = [
  'q=%zz',
  'page=%FF',
  'q=%',
  'a[b][c][d][e][f]=1',
  'page=1&page=2&page=x',
  '__proto__[polluted]=yes',
  'constructor[prototype][polluted]=yes',
  'page=-1&pageSize=1e999',
  'page=NaN&limit=Infinity',
  `q=${'A'.repeat(8_000)}`,
  'q=%00%00',
  'type=%E0%A4%A&status=%zz',
  '&&&==&',
  'q[]=1&q[]=2',
];
const ODD_METHODS = ['PROPFIND', 'TRACE', 'M-SEARCH', 'PURGE', 'SEARCH', 'MKCOL', 'OPTIONS', 'HEAD', 'LINK', 'UNLOCK', 'QUERY', 'REPORT'];
const ODD_TYPES = [
  'multipart/form-data; boundary=----x',
  'text/plain',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json, text/html',
  'application/x-www-form-urlencoded',
  'application/vnd.api+json',
  'application/merge-patch+json',
  ';;;',
  'application/json; boundary=',
  'image/png',
  '*/*',
];
const ODD_BODIES = [
  '{',
  'null',
  '[]',
  '"\\ud800"',
  '{"__proto__":{"polluted":"yes"}}',
  '{"a":' + '['.repeat(3000) + ']'.repeat(3000) + '}',
  '\u0000\u0001\u0002',
  '1e99999',
  'true',
  '{"id":"%zz","tmdbId":"%00"}',
];

function fill(template: string, value: () => string): string {
  return template.replace(/:[A-Za-z_]\w*/g, () => value()).replace(/\{\*\w+\}|\*/g, () => `${value()}/${value()}`);
}

function methodFor(route: RouteInfo, r: Random): string {
  return route.method === 'ALL' ? r.pick(['GET', 'POST']) : route.method;
}

const garbage = (r: Random, n = 64) => Buffer.from(Array.from({ length: n }, () => r.int(256)));

function junkFor(route: RouteInfo, r: Random): Junk[] {
  const method = methodFor(route, r);
  const json = Buffer.from(
    JSON.stringify({ username: 'admin', password: 'x', mediaType: 'movie', tmdbId: 603, role: 'user', enabled: true }),
  );
  const plain = () => fill(route.template, () => r.pick(['1', '603', r.word(6)]));
  const encodedPath = () => {
    if (/:|\*/.test(route.template)) return fill(route.template, () => r.pick(BAD_ENCODINGS));
    // No parameter: break the last segment, or encode one of its letters (a valid but unusual spelling).
    return r.next() < 0.5
      ? `${route.template}${r.pick(BAD_ENCODINGS)}`
      : route.template.replace(/[a-z](?=[^/]*$)/, (c) => `%${c.charCodeAt(0).toString(16)}`);
  };
  const compressed = (): { encoding: string; body: Buffer } => {
    const encoding = r.pick(['gzip', 'deflate', 'br', 'gzip, br', 'x-gzip', 'identity, gzip', 'compress', 'gzip, gzip']);
    const body = r.pick([
      () => garbage(r),
      () => gzipSync(json).subarray(0, 12 + r.int(10)),
      () => deflateSync(json).subarray(2),
      () => brotliCompressSync(json).subarray(0, 5),
      () => Buffer.concat([gzipSync(json), garbage(r, 8)]),
      () => gzipSync(Buffer.alloc(5_000_000, ' ')), // a small bomb: 5 MB of spaces
      () => Buffer.alloc(0),
    ])();
    return { encoding, body };
  };
  const badHeader = (): [string, string][] =>
    r.pick<() => [string, string][]>([
      () => [['Cookie', `medianest_session=${r.pick(BAD_ENCODINGS)}; medianest_session=x`]],
      () => [['Cookie', `medianest_session=${'A'.repeat(12_000)}`]],
      () => [['X-Padding', 'B'.repeat(20_000)]],
      () => [['Authorization', r.pick(['Bearer', 'Bearer ' + 'C'.repeat(5_000), 'Basic %zz', 'Bearer \u00ff\u00fe'])]],
      () => [['Accept', r.pick(['*/*;q=abc', 'text/html;;;', 'application/json;q=2', '', 'x'.repeat(4_000)])]],
      () => [['Accept-Encoding', r.pick(['gzip;q=x', 'br, *;q=0', 'zstd', ','])]],
      () => [['X-Request-Id', r.pick(['D'.repeat(9_000), '../../etc', '\u00ff'])]],
      () => [['X-Forwarded-For', r.pick(['not-an-ip', '1.2.3.4, ' + 'x'.repeat(3_000), '::ffff:zz'])]],
      () => [['Range', r.pick(['bytes=abc', 'bytes=9-1', 'lines=1-2', 'bytes=' + '0-1,'.repeat(500)])]],
      () => [
        ['If-Modified-Since', 'yesterday'],
        ['If-None-Match', '"\u00ff"'],
      ],
      () => [['Content-Length', r.pick(['-1', 'abc', '1, 2', '99999999999999999999'])]],
      () => [['Transfer-Encoding', r.pick(['gzip', 'chunked, gzip', 'identity', 'x'])]],
      () => [['Expect', r.pick(['100-continue', 'something-else'])]],
      () => [
        ['Origin', 'http://evil.example'],
        ['Referer', '%zz'],
      ],
      () => [['Content-Type', 'application/json; charset=' + 'x'.repeat(2_000)]],
    ])();

  const items: Junk[] = [
    { what: `${method} ${route.template}: broken percent-encoding in the path`, method, target: encodedPath(), headers: [] },
    { what: `${method} ${route.template}: odd query`, method, target: `${plain()}?${r.pick(BAD_QUERIES)}`, headers: [] },
    (() => {
      const headers = badHeader();
      return {
        what: `${route.template}: bad header ${headers.map(([k, v]) => `${k}: ${v.slice(0, 24)}`).join(', ')}`,
        method,
        target: plain(),
        headers,
      };
    })(),
    { what: `${route.template}: odd method`, method: r.pick(ODD_METHODS), target: plain(), headers: [] },
    (() => {
      const { encoding, body } = compressed();
      return {
        what: `${route.template}: body declared ${encoding} that is not`,
        method: r.pick([method, 'POST', 'PATCH']),
        target: plain(),
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', encoding],
        ],
        body,
      };
    })(),
    {
      what: `${route.template}: odd content type`,
      method: r.pick([method, 'POST', 'PUT', 'DELETE']),
      target: plain(),
      headers: [['Content-Type', r.pick(ODD_TYPES)]],
      body: Buffer.from(r.pick(ODD_BODIES)),
    },
    r.pick<() => Junk>([
      () => ({
        what: `${route.template}: body shorter than its Content-Length`,
        method: r.pick([method, 'POST']),
        target: plain(),
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Length', '400'],
        ],
        raw: Buffer.from('{"username":"adm'),
        truncated: true,
      }),
      () => ({
        what: `${route.template}: chunked body cut mid-chunk`,
        method: r.pick([method, 'POST']),
        target: plain(),
        headers: [
          ['Content-Type', 'application/json'],
          ['Transfer-Encoding', 'chunked'],
        ],
        raw: Buffer.from('40\r\n{"username":"a'),
        truncated: true,
      }),
      () => ({
        what: `${route.template}: bad chunk size`,
        method: r.pick([method, 'POST']),
        target: plain(),
        headers: [
          ['Content-Type', 'application/json'],
          ['Transfer-Encoding', 'chunked'],
        ],
        raw: Buffer.from('zz\r\n{}\r\n0\r\n\r\n'),
        truncated: true,
      }),
      () => ({
        what: `${route.template}: gzip body cut short`,
        method: r.pick([method, 'POST']),
        target: plain(),
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', 'gzip'],
          ['Content-Length', '500'],
        ],
        raw: gzipSync(json).subarray(0, 15),
        truncated: true,
      }),
    ])(),
  ];
  return items;
}

function serialize(j: Junk, port: number, cookie: string | undefined): Buffer {
  const headers: [string, string][] = [['Host', `127.0.0.1:${port}`], ['Connection', 'close'], ...j.headers];
  if (cookie && !j.headers.some(([k]) => k.toLowerCase() === 'cookie')) headers.push(['Cookie', cookie]);
  const framed = j.headers.some(([k]) => /^(content-length|transfer-encoding)$/i.test(k));
  if (j.body && !framed) headers.push(['Content-Length', String(j.body.length)]);
  const head = `${j.method} ${j.target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), j.raw ?? j.body ?? Buffer.alloc(0)]);
}

async function serverErrorsCounted(s: TestServer): Promise<{ prometheus: number; opsPage: number }> {
  const samples = await scrape(s.metricsUrl!);
  const prometheus = samples
    .filter((x) => x.name === 'medianest_http_requests_total' && /^5/.test(x.labels.status_code ?? ''))
    .reduce((sum, x) => sum + x.value, 0);
  const window = httpOpsWindow.summary(60);
  return { prometheus, opsPage: Math.round((window.errorRate ?? 0) * window.requests) };
}

describe.each([
  {
    install: 'a configured install (upstreams, webhook secrets), junk from anonymous clients, a member and an admin',
    configured: true,
    seed: 20261130,
  },
  { install: 'a default install (no Plex, Overseerr or webhook secrets), junk from anonymous clients', configured: false, seed: 20261201 },
])('every route of $install', ({ configured, seed }) => {
  let s: TestServer;
  let routes: RouteInfo[];
  let cookies: (string | undefined)[] = [undefined];

  beforeAll(async () => {
    s = await startTestServer({
      // plex.tv is never the real one in a test: the default install signs in against the fake too.
      ...(configured ? { ...up.env, ALERTS_WEBHOOK_TOKEN: ALERTS_TOKEN } : { PLEX_TV_URL: up.env.PLEX_TV_URL! }),
      BROWSER_METRICS_RATE_LIMIT: '10000000',
    });
    const app = buildApp(s.container);
    routes = listRoutes(app);
    if (configured) cookies = [undefined, (await createUser(app, s.container, 'fuzzy')).cookie, await loginCookie(app)];
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it('answers no 5xx, logs no error and leaves the 5xx counters unchanged', async () => {
    expect(routes.length).toBeGreaterThan(20);
    // The routes the rest of this file relies on really were found.
    for (const t of [
      '/api/v1/auth/login',
      '/api/v1/admin/users/:id',
      '/api/v1/webhooks/overseerr',
      '/api/v1/alerts/webhook',
      '/health/ready',
    ]) {
      expect(routes.map((x) => x.template)).toContain(t);
    }
    const r = random(seed);
    const junk: (Junk & { cookie?: string })[] = [];
    for (let round = 0; round < 8; round++) {
      for (const route of routes) {
        for (const j of junkFor(route, r)) {
          // A member's or an admin's junk is still junk; signing out would only end this test's sessions.
          const cookie = /logout/.test(route.template) ? undefined : r.pick(cookies);
          junk.push({ ...j, cookie });
        }
      }
    }

    const before = await serverErrorsCounted(s);
    const logs: CapturedLog = captureLogs('info');
    const started = Date.now();
    let statuses: StatusTally;
    try {
      statuses = await runAll(junk, (j) => sendRaw(s.port, serialize(j, s.port, j.cookie), j.truncated ? { endAfterMs: 50 } : {}), 12);
    } finally {
      logs.restore();
    }
    const fivexx = [...statuses.keys()].filter((c) => c >= 500);
    console.log(
      `${junk.length} junk requests over ${routes.length} routes in ${Date.now() - started} ms: ${fivexx.length} × 5xx; statuses ${[...statuses.keys()].sort().join(', ')}`,
    );

    // No 5xx (listed with the inputs that got one). Other statuses outside 4xx: 0 (no answer) only for bodies
    // cut short; 1xx/2xx for requests that were still valid (an odd header, HEAD, OPTIONS, Expect: 100-continue).
    expect(outside4xx(statuses).filter((line) => /^5/.test(line))).toEqual([]);
    for (const what of statuses.get(0) ?? []) expect(what).toMatch(/cut|shorter|chunk/);

    const errors = logs.lines.filter((l) => (typeof l.level === 'number' ? l.level >= 50 : ['error', 'fatal'].includes(String(l.level))));
    expect(errors.map((l) => `${String(l.event)}: ${String(l.message)}`)).toEqual([]);

    expect(await serverErrorsCounted(s)).toEqual(before);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  }, 300_000);
});
