/** The API client: URLs from templates, errors, timings per template, the session-gone signal, beacons. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, buildUrl, call, onApiTiming, postBeacon, setUnauthenticatedListener, type ApiTiming } from './client';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('buildUrl', () => {
  it('fills path parameters (encoded) and puts the rest in the query string', () => {
    expect(buildUrl('/api/v1/media/requests/:id', { id: 42 })).toBe('/api/v1/media/requests/42');
    expect(buildUrl('/api/v1/plex/libraries/:key/items', { key: 'a/b', page: 2 })).toBe('/api/v1/plex/libraries/a%2Fb/items?page=2');
    expect(buildUrl('/api/v1/media/search', { q: 'the matrix', page: 1, status: '', x: undefined })).toBe(
      '/api/v1/media/search?q=the+matrix&page=1',
    );
  });

  it('refuses a template whose parameter is missing', () => {
    expect(() => buildUrl('/api/v1/media/requests/:id', {})).toThrow(/id/);
  });
});

describe('the API client', () => {
  const timings: ApiTiming[] = [];
  let stop: () => void;
  beforeEach(() => {
    timings.length = 0;
    stop = onApiTiming((t) => timings.push(t));
  });
  afterEach(() => {
    stop();
    setUnauthenticatedListener(undefined);
    vi.unstubAllGlobals();
  });

  it('reports each call under its route template with method and status', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { request: { id: 7 } }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(api.get('/api/v1/media/requests/:id', { id: 7 })).resolves.toEqual({ request: { id: 7 } });
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/v1/media/requests/7',
      expect.objectContaining({ method: 'GET', credentials: 'same-origin' }),
    );
    expect(timings).toHaveLength(1);
    expect(timings[0]).toMatchObject({ endpoint: '/api/v1/media/requests/:id', method: 'GET', status: 200 });
    expect(timings[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("throws the server's error message and code, and still reports the timing", async () => {
    vi.stubGlobal('fetch', async () =>
      jsonResponse(409, {
        error: { code: 'CONFLICT', message: 'You already requested Inception', details: { reason: 'DUPLICATE_REQUEST' } },
      }),
    );
    const err = await api.post('/api/v1/media/requests', { mediaType: 'movie', tmdbId: 27205 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      message: 'You already requested Inception',
      details: { reason: 'DUPLICATE_REQUEST' },
    });
    expect(timings[0]).toMatchObject({ endpoint: '/api/v1/media/requests', method: 'POST', status: 409 });
  });

  it('marks every call, bodiless ones included, as coming from the app (the server refuses bodiless state changes without it)', async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetchMock);
    await api.post('/api/v1/auth/logout', undefined);
    await api.delete('/api/v1/media/requests/:id', { id: 3 });
    await api.get('/api/v1/auth/session');
    expect(fetchMock).toHaveBeenCalledTimes(3);
    for (const [, init] of fetchMock.mock.calls) {
      expect(init.headers).toMatchObject({ 'X-Requested-With': 'XMLHttpRequest' });
      expect(init.body).toBeUndefined();
    }
  });

  it('reports an unreachable server as status 0 with a readable message', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api.get('/api/v1/services/status')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
    expect(timings[0]).toMatchObject({ endpoint: '/api/v1/services/status', status: 0 });
  });

  it('returns the status for flows that need it (202 pending vs 200 signed in)', async () => {
    vi.stubGlobal('fetch', async () => jsonResponse(202, { status: 'pending' }));
    await expect(call('POST', '/api/v1/auth/plex/verify', { body: { id: 1 } })).resolves.toEqual({
      status: 202,
      data: { status: 'pending' },
    });
  });

  it('tells the session when the server says it is gone, but not for a wrong password', async () => {
    const gone = vi.fn();
    setUnauthenticatedListener(gone);
    vi.stubGlobal('fetch', async () =>
      jsonResponse(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong username or password' } }),
    );
    await expect(api.post('/api/v1/auth/login', { username: 'a', password: 'b' })).rejects.toMatchObject({
      message: 'Wrong username or password',
    });
    expect(gone).not.toHaveBeenCalled();
    vi.stubGlobal('fetch', async () => jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in first' } }));
    await expect(api.get('/api/v1/media/requests')).rejects.toBeInstanceOf(ApiError);
    expect(gone).toHaveBeenCalledWith('/api/v1/media/requests');
  });

  it('does not time the metrics endpoints themselves', async () => {
    vi.stubGlobal('fetch', async () => jsonResponse(202, { accepted: 1 }));
    await call('POST', '/api/v1/metrics/custom', { body: { metrics: [] } });
    expect(timings).toEqual([]);
  });

  it('sends beacons as JSON, falling back to a keepalive fetch when the browser refuses', async () => {
    const sendBeacon = vi.fn((_url: string, _data: Blob) => true);
    vi.stubGlobal('navigator', { sendBeacon });
    const fetchMock = vi.fn(async () => jsonResponse(202, {}));
    vi.stubGlobal('fetch', fetchMock);

    postBeacon('/api/v1/metrics/web-vitals', { metrics: [{ name: 'LCP' }] });
    expect(sendBeacon).toHaveBeenCalledTimes(1);
    const blob = sendBeacon.mock.calls[0]![1];
    expect(blob.type).toBe('application/json');
    expect(JSON.parse(await blob.text())).toEqual({ metrics: [{ name: 'LCP' }] });
    expect(fetchMock).not.toHaveBeenCalled();

    sendBeacon.mockReturnValue(false);
    postBeacon('/api/v1/metrics/custom', { metrics: [] });
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/metrics/custom', expect.objectContaining({ method: 'POST', keepalive: true }));
    expect(timings).toEqual([]);
  });
});
