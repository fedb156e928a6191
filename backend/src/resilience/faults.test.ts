/**
 * The upstream fault suite: the shapes real outages take, one named case
 * each, at compressed timings (connect/first-byte timeout 300 ms, full
 * timeout 2 s, breaker reset 1.5 s, probes every 100 ms). No assertion
 * depends on how fast this machine is: a busy CI machine may take hundreds
 * of milliseconds for one request, so breaker trials are counted as they
 * happen rather than inferred from two reads of the state, and the slow
 * answers keep wide margins on both sides of the timeouts. For every case:
 * what a member sees (status and message), what
 * `medianest_circuit_breaker_state` says — the series ExternalServiceDown
 * fires on while it is above 0 (infrastructure/prometheus/alert_rules.yml;
 * the monitoring stack test proves the alert reaches Alertmanager's
 * receiver) — and that MediaNest recovers by itself: the breaker's probe
 * closes it once the upstream is back, with no member call and no restart.
 *
 * Overseerr sits behind a TCP proxy (hang, refuse) and is addressed by a
 * host name that a simulated resolver answers (unresolvable host): no test
 * here sends a packet off the machine.
 */
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { circuitBreakerState } from '../observability/metrics/catalog';
import { createUser } from '../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../test/context';
import { fakeDns, type FakeDns } from '../../test/fakes/dns';
import { startUpstreams, type Upstreams } from '../../test/fakes/upstreams';
import { startTcpProxy, waitFor, type TcpProxy } from '../../test/tcp-proxy';

const OVERSEERR_HOST = 'overseerr.test';
const PAUSED = 'Overseerr is unavailable right now (it failed repeatedly; calls are paused for a moment)';
/**
 * Member calls, made one at a time, after which calls must fail fast. A call the upstream answers with a 5xx is
 * retried and then counts as one failure in a row (one title Overseerr fails on must not pause everyone's calls),
 * so with every call answered 5xx the breaker opens after that many failed calls and the next one fails fast.
 */
const HANDFUL = 3;

let up: Upstreams;
let proxy: TcpProxy;
let dns: FakeDns;
let t: TestApp;
let member: { id: string; cookie: string };
let searches = 0;

beforeAll(async () => {
  up = await startUpstreams();
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(up.overseerr.url).port));
  dns = fakeDns({ [OVERSEERR_HOST]: '127.0.0.1' });
  t = await createTestApp(
    {
      ...up.env,
      OVERSEERR_URL: `http://${OVERSEERR_HOST}:${proxy.port}`,
      UPSTREAM_TIMEOUT_MS: '2000',
      UPSTREAM_CONNECT_TIMEOUT_MS: '300',
      BREAKER_RESET_TIMEOUT_MS: '1500',
      HEALTH_PROBE_INTERVAL_MS: '100',
    },
    undefined,
    { lookup: dns.lookup },
  );
  member = await createUser(t.app, t.container, 'faults-member', { email: 'faults-member@example.com' });
});

afterAll(async () => {
  await t?.cleanup();
  await proxy?.close();
  await up?.stop();
});

afterEach(async () => {
  // Every case ends healthy (each asserts its own recovery); this only keeps a failed case from leaking.
  up.overseerr.recover();
  dns.resolvable(OVERSEERR_HOST);
  await proxy.restore();
});

/** A search nobody made before, so the cache cannot answer it. */
const search = () =>
  request(t.app)
    .get('/api/v1/media/search')
    .query({ q: `fault ${++searches}` })
    .set('Cookie', member.cookie);

async function breakerState(service = 'overseerr'): Promise<number | undefined> {
  return (await circuitBreakerState.get()).values.find((v) => v.labels.service === service)?.value;
}

/** The value ExternalServiceDown's expression sees: it fires while this stays above 0. */
const externalServiceDownCondition = async (service = 'overseerr') => ((await breakerState(service)) ?? 0) > 0;

/**
 * Members search one at a time until a search fails fast (the open
 * breaker's message). Returns the first failure a member saw and how many
 * searches it took.
 */
async function searchUntilFailingFast(): Promise<{ first: request.Response; calls: number; fast: request.Response }> {
  let first: request.Response | undefined;
  for (let calls = 1; calls <= HANDFUL + 1; calls++) {
    const res = await search();
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    first ??= res;
    if (res.body.error.message === PAUSED) return { first, calls, fast: res };
  }
  throw new Error(`searches still reach Overseerr after ${HANDFUL + 1} calls; the first said: ${JSON.stringify(first?.body)}`);
}

/** With the breaker open: the member's answer, and proof that Overseerr saw nothing of it. */
async function expectFailFast(seen: () => number): Promise<void> {
  // Whatever reached Overseerr while the breaker made no transition came from the search: a half-open trial
  // (the probe's) shows as transitions, however long the search takes on a busy machine.
  const breaker = t.container.breakers.get('overseerr');
  for (;;) {
    let transitions = 0;
    const stop = breaker.onTransition(() => transitions++);
    const before = seen();
    const stateBefore = breaker.state;
    const res = await search();
    const after = seen();
    stop();
    if (stateBefore !== 'open' || transitions > 0) continue; // a trial happened meanwhile: look again
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: PAUSED,
      details: { service: 'overseerr', failure: 'rejected' },
    });
    expect(res.headers['retry-after']).toBe('2'); // the breaker's reset timeout, 1.5 s, rounded up
    expect(after).toBe(before);
    return;
  }
}

/** Recovery without anyone asking: the probe closes the breaker, then a member's search works. */
async function expectRecoversByItself(): Promise<void> {
  await waitFor(async () => (await breakerState()) === 0, 10_000, 25);
  expect(await externalServiceDownCondition()).toBe(false);
  const reached = up.overseerr.requestsTo('/api/v1/search').length;
  const res = await search();
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(Array.isArray(res.body.results)).toBe(true);
  expect(up.overseerr.requestsTo('/api/v1/search').length).toBe(reached + 1); // answered by Overseerr itself, not a cache
}

const fakeRequests = () => up.overseerr.requests.length;

describe('upstream fault suite (Overseerr)', () => {
  it('starts healthy', async () => {
    expect((await search()).status).toBe(200);
    expect(await breakerState()).toBe(0);
  });

  // Each case: the fault, what the first member to meet it reads, the breaker's failure kind, what "reached the upstream" means.
  const cases: Array<{
    name: string;
    inject(): Promise<void> | void;
    restore(): Promise<void> | void;
    reason: string;
    failure: string;
    seen(): number;
    /** The upstream answers (5xx): each failing call is one failure in a row, after its retries. */
    answered?: true;
  }> = [
    {
      name: 'hang: the host accepts and never answers — fails after the first-byte timeout',
      inject: () => proxy.hang(),
      restore: () => proxy.restore(),
      reason: 'it did not respond within 300 ms; the host may be down or hung',
      failure: 'timeout',
      seen: () => proxy.connections,
    },
    {
      name: 'refused: nothing listens on the port — fails at once',
      inject: () => proxy.refuse(),
      restore: () => proxy.restore(),
      reason: 'connection refused',
      failure: 'network_error',
      seen: () => dns.asked.length, // a refused port leaves no trace on the server; each connection attempt resolves the name first
    },
    {
      name: 'unresolvable host name: ENOTFOUND from the resolver — fails at once, recovers when the name resolves again',
      // The host is gone and so is its name (a removed container, a lapsed DNS record): open connections go with it.
      inject: async () => {
        await proxy.refuse();
        dns.unresolvable(OVERSEERR_HOST);
      },
      restore: async () => {
        dns.resolvable(OVERSEERR_HOST);
        await proxy.restore();
      },
      reason: 'host name not found',
      failure: 'network_error',
      seen: () => dns.asked.length, // every attempt goes through name resolution first
    },
    {
      name: 'reset mid-response: the answer starts and the connection is reset',
      inject: () => up.overseerr.resetMidResponse(),
      restore: () => up.overseerr.recover(),
      reason: 'connection reset',
      failure: 'network_error',
      seen: fakeRequests,
    },
    {
      name: '200 with a malformed body: counted as a failure of the upstream',
      inject: () => up.overseerr.malformed(),
      restore: () => up.overseerr.recover(),
      reason: 'it answered with something that is not JSON',
      failure: 'server_error',
      seen: fakeRequests,
      answered: true,
    },
    {
      name: 'a burst of 5xx: recovers when the burst ends',
      inject: () => up.overseerr.failWith(502, { message: 'Bad Gateway' }),
      restore: () => up.overseerr.recover(),
      reason: 'it answered 502',
      failure: 'server_error',
      seen: fakeRequests,
      answered: true,
    },
  ];

  it.each(cases)('$name; then fails fast after a handful of calls, and recovers by itself', async (fault) => {
    await fault.inject();
    const seenBefore = fault.seen();
    const { first, calls } = await searchUntilFailingFast();
    expect(calls).toBeLessThanOrEqual(fault.answered ? HANDFUL + 1 : HANDFUL);
    expect(fault.seen()).toBeGreaterThan(seenBefore); // the first calls really went out
    expect(first.body.error).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: `Overseerr is unavailable right now (${fault.reason})`,
      details: { service: 'overseerr', failure: fault.failure },
    });
    expect(first.headers['retry-after']).toBe('2');
    expect(await externalServiceDownCondition()).toBe(true);
    await expectFailFast(() => fault.seen());
    await fault.restore();
    await expectRecoversByItself();
  });

  it('hang with no member traffic: the background probes alone open the breaker', async () => {
    proxy.hang();
    await waitFor(async () => (await breakerState()) === 1, 5000, 25);
    expect(await externalServiceDownCondition()).toBe(true);
    await expectFailFast(() => proxy.connections);
    await proxy.restore();
    await expectRecoversByItself();
  });

  it('slow: an answer that starts at once and completes long after the first-byte timeout still reaches the member; only one past the full timeout fails', async () => {
    // The head at once, the body after 1 s: well past the 300 ms first-byte timeout, well within the 2 s one.
    up.overseerr.trickle(1000);
    const slow = await search();
    expect(slow.status).toBe(200);
    expect(Array.isArray(slow.body.results)).toBe(true);
    expect(await breakerState()).toBe(0);
    expect(await externalServiceDownCondition()).toBe(false);

    up.overseerr.trickle(3500);
    const tooSlow = await search();
    expect(tooSlow.status).toBe(503);
    expect(tooSlow.body.error.message).toBe('Overseerr is unavailable right now (no complete answer within 2 s)');
    up.overseerr.recover();
    await expectRecoversByItself();
  });

  it('flapping: down and up every 400 ms — members only ever see results or a clear 503, and it settles by itself', async () => {
    const statuses = new Map<number, number>();
    const messages = new Set<string>();
    let sawOpen = false;
    let running = true;
    const flapper = (async () => {
      for (let i = 0; running && i < 10; i++) {
        if (i % 2 === 0) await proxy.refuse();
        else await proxy.restore();
        await new Promise((r) => setTimeout(r, 400));
      }
      await proxy.restore();
    })();
    const started = Date.now();
    while (Date.now() - started < 4000) {
      const res = await search();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status !== 200) messages.add(`${res.body.error?.code}: ${res.body.error?.message}`);
      if ((await breakerState()) === 1) sawOpen = true;
      await new Promise((r) => setTimeout(r, 50));
    }
    running = false;
    await flapper;
    expect([...statuses.keys()].every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    for (const m of messages)
      expect(m).toMatch(
        /^UPSTREAM_UNAVAILABLE: Overseerr is unavailable right now \((connection refused|connection reset|it failed repeatedly; calls are paused for a moment)\)$/,
      );
    expect(sawOpen).toBe(true);
    await expectRecoversByItself();
  });
});

describe('plex.tv breaker', () => {
  it('closes by itself once plex.tv is back — no Plex sign-in needed', async () => {
    up.plexTv.failWith(503, { errors: [{ code: 1, message: 'Service Unavailable' }] });
    for (let i = 0; i < HANDFUL; i++) {
      const res = await request(t.app).post('/api/v1/auth/plex/pin').set('X-Requested-With', 'XMLHttpRequest');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/^plex\.tv is unavailable right now \(/);
    }
    await waitFor(async () => (await breakerState('plex-tv')) === 1, 5000, 25);
    expect(await externalServiceDownCondition('plex-tv')).toBe(true);
    up.plexTv.recover();
    const pinsBefore = up.plexTv.requestsTo('/api/v2/pins').length;
    await waitFor(async () => (await breakerState('plex-tv')) === 0, 10_000, 25);
    expect(await externalServiceDownCondition('plex-tv')).toBe(false);
    expect(up.plexTv.requestsTo('/api/v2/pins').length).toBe(pinsBefore); // nobody signed in meanwhile
  });
});
