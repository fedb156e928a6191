/**
 * How fast Discover's rows appear on a warm cache: one MediaNest (metrics,
 * info logs) against the fake upstreams, a member linked to their Overseerr
 * user, and the requests a page load of /discover makes — the list of rows,
 * then the first page of the five rows on screen first and the member's
 * quota, at once, as the browser sends them. After one load that fills the
 * member's cache, each load is timed from its first request to its last
 * answer; the report gives p50 and p95 (goal: under 1 s).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startUpstreams } from '../test/fakes/upstreams';
import { startInstance, type Instance } from './instances';
import { percentile } from './steady';

/** The rows the Discover page asks for first (the rest load as they scroll into view). */
const FIRST_ROWS = ['trending', 'popular-movies', 'popular-tv', 'upcoming-movies', 'upcoming-tv'];
const MEMBER_PASSWORD = 'bench-member-password';

export interface DiscoverRowsResult {
  loads: number;
  requestsPerLoad: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

async function answer(url: string, init: RequestInit, expected: number): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

/** Alice, a member whose e-mail is her Overseerr user's: created by the admin, password set through her reset link. */
async function signInMember(instance: Instance): Promise<string> {
  const json = { 'content-type': 'application/json', cookie: instance.cookie };
  const created = await answer(
    `${instance.baseUrl}/api/v1/admin/users`,
    { method: 'POST', headers: json, body: JSON.stringify({ username: 'alice', email: 'alice@example.com' }) },
    201,
  );
  const { resetLink } = (await created.json()) as { resetLink: { url: string } };
  const token = new URL(resetLink.url).hash.slice(1);
  await answer(
    `${instance.baseUrl}/api/v1/auth/password-reset`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, newPassword: MEMBER_PASSWORD }) },
    200,
  );
  const login = await answer(
    `${instance.baseUrl}/api/v1/auth/login`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: MEMBER_PASSWORD }),
    },
    200,
  );
  const cookie = login.headers.getSetCookie()[0]?.split(';')[0];
  if (!cookie) throw new Error('the member got no session cookie');
  return cookie;
}

/** One page load's Discover requests; resolves with its wall time. */
async function pageLoad(baseUrl: string, cookie: string): Promise<number> {
  const started = performance.now();
  const get = async (p: string) => (await answer(`${baseUrl}${p}`, { headers: { cookie } }, 200)).arrayBuffer();
  await Promise.all([get('/api/v1/discover/rows'), get('/api/v1/media/quota')]);
  await Promise.all(FIRST_ROWS.map((row) => get(`/api/v1/discover/rows/${row}?page=1`)));
  return performance.now() - started;
}

export async function measureDiscoverRows(
  root: string,
  options: { databaseUrl?: string; redis?: { url: string; keyPrefix: string }; loads: number },
): Promise<DiscoverRowsResult> {
  const upstreams = await startUpstreams();
  let instance: Instance | undefined;
  try {
    instance = await startInstance({
      name: 'discover',
      dataDir: path.join(root, 'discover'),
      observability: true,
      databaseUrl: options.databaseUrl,
      redis: options.redis,
      extraEnv: upstreams.env,
    });
    const cookie = await signInMember(instance);
    await pageLoad(instance.baseUrl, cookie); // fills the member's cache
    const times: number[] = [];
    for (let i = 0; i < options.loads; i++) times.push(await pageLoad(instance.baseUrl, cookie));
    times.sort((a, b) => a - b);
    return {
      loads: times.length,
      requestsPerLoad: 2 + FIRST_ROWS.length,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      maxMs: times[times.length - 1] ?? Number.NaN,
    };
  } finally {
    await instance?.stop();
    await upstreams.stop();
  }
}
