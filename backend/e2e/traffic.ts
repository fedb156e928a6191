/**
 * Realistic traffic for the stack test and the drill: a household member
 * signs in with Plex, searches, requests, browses the library; the browser
 * sends its Web Vitals; Overseerr sends webhooks. Enough of each so every
 * dashboard panel has something to show.
 */
import { FAKE_WEBHOOK_SECRET, type Upstreams } from '../test/fakes/upstreams';

const PLEX_USER_TOKEN = 'stack-traffic-alice-token';

async function cookieOf(res: Response): Promise<string> {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith('medianest_session='));
  if (!raw) throw new Error(`no session cookie (status ${res.status}: ${await res.text()})`);
  return raw.split(';')[0]!;
}

export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return await cookieOf(res);
}

/** Signs in through the Plex PIN flow against the fake plex.tv. */
export async function signInWithPlex(baseUrl: string, upstreams: Upstreams): Promise<string> {
  upstreams.plexTv.addAccount(PLEX_USER_TOKEN, 'alice', ['sharedServer'], upstreams.plex.machineIdentifier);
  const started = await fetch(`${baseUrl}/api/v1/auth/plex/pin`, { method: 'POST', headers: { 'x-requested-with': 'XMLHttpRequest' } });
  const pin = (await started.json()) as { id: number };
  // The PIN is bound to the browser that started it by a cookie.
  const browserCookies = started.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  upstreams.plexTv.authorizePin(pin.id, PLEX_USER_TOKEN);
  const res = await fetch(`${baseUrl}/api/v1/auth/plex/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: browserCookies },
    body: JSON.stringify({ id: pin.id }),
  });
  return await cookieOf(res);
}

let householdCookie: string | undefined;
let round = 0;

export async function driveTraffic(
  baseUrl: string,
  adminCookie: string,
  upstreams: Upstreams,
  options: { searchesOnly?: boolean } = {},
): Promise<void> {
  const get = (path: string, cookie = adminCookie) => fetch(`${baseUrl}${path}`, { headers: { cookie } }).then((r) => r.arrayBuffer());
  round++;
  if (options.searchesOnly) {
    await Promise.all([
      get(`/api/v1/media/search?q=matrix${round}`),
      get(`/api/v1/media/search?q=alien${round}`),
      get('/api/v1/services/status'),
    ]);
    return;
  }
  householdCookie ??= await signInWithPlex(baseUrl, upstreams);
  upstreams.overseerr.setWebhook(`${baseUrl}/api/v1/webhooks/overseerr`, FAKE_WEBHOOK_SECRET);
  await Promise.all([
    get(`/api/v1/media/search?q=matrix`, householdCookie),
    get('/api/v1/media/movie/603', householdCookie),
    get('/api/v1/plex/libraries', householdCookie),
    get('/api/v1/plex/recently-added', householdCookie),
    get('/api/v1/services/status', householdCookie),
    get('/api/v1/media/requests', householdCookie),
    get('/api/v1/admin/observability'),
    get('/api/v1/does-not-exist'),
    fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'wrong-password' }),
    }).then((r) => r.arrayBuffer()),
  ]);
  // Requests for titles the fake Overseerr knows: the first round follows one through
  // Overseerr's webhooks to "available"; every round requests another and cancels it.
  const requestMovie = async (tmdbId: number) => {
    const res = await fetch(`${baseUrl}/api/v1/media/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: householdCookie! },
      body: JSON.stringify({ mediaType: 'movie', tmdbId }),
    });
    if (res.status !== 201) {
      await res.arrayBuffer();
      return undefined;
    }
    return ((await res.json()) as { request: { id: number; overseerrId: number | null } }).request;
  };
  if (round === 1) {
    // The Dark Knight: requestable in the fake Overseerr, so it can go all the way (and count a fulfilment time).
    const followed = await requestMovie(155);
    if (followed?.overseerrId != null) {
      await upstreams.overseerr.approve(followed.overseerrId);
      await upstreams.overseerr.markAvailable(followed.overseerrId);
    }
  }
  const cancelled = await requestMovie(605);
  if (cancelled)
    await fetch(`${baseUrl}/api/v1/media/requests/${cancelled.id}`, {
      method: 'DELETE',
      headers: { cookie: householdCookie, 'x-requested-with': 'XMLHttpRequest' },
    });
  // What a browser's performance monitor sends.
  const beacon = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
      r.arrayBuffer(),
    );
  await beacon('/api/v1/metrics/web-vitals', {
    metrics: [
      { name: 'LCP', value: 1200 + round, rating: 'good', route: '/discover' },
      { name: 'FCP', value: 800, rating: 'good', route: '/discover' },
      { name: 'TTFB', value: 120, rating: 'good', route: '/' },
      { name: 'INP', value: 90, rating: 'good', route: '/requests/:id' },
      { name: 'CLS', value: 0.02, rating: 'good', route: '/requests' },
    ],
  });
  await beacon('/api/v1/metrics/custom', {
    metrics: [
      { name: 'navigation_duration', value: 180, labels: { from_route: '/', to_route: '/discover' } },
      { name: 'api_request_duration', value: 42, labels: { endpoint: '/api/v1/media/search', method: 'GET', status_code: '200' } },
    ],
  });
}

export interface ReceivedAlert {
  alertname: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivedAt: string;
}

/** The alerts MediaNest received from Alertmanager, as the admin Ops page shows them. */
export async function readAlerts(baseUrl: string, adminCookie: string): Promise<ReceivedAlert[]> {
  const res = await fetch(`${baseUrl}/api/v1/admin/observability`, { headers: { cookie: adminCookie } });
  const body = (await res.json()) as { alerts?: ReceivedAlert[] };
  return body.alerts ?? [];
}
