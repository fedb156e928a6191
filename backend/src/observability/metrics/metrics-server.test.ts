import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/context';
import { freePort } from '../../../test/free-port';
import { registryLabelValues, registrySum } from '../../../test/metrics-helpers';
import { register } from './catalog';

const TOKEN = 'scrape-token-7f3c9a';
const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// First, before any server in this process has started default metrics.
describe('PROMETHEUS_ENABLED=false', () => {
  let off: TestServer;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freePort();
    off = await startTestServer({ PROMETHEUS_ENABLED: 'false', METRICS_PORT: String(metricsPort) });
  });
  afterAll(() => off?.cleanup());

  it('opens no metrics listener', async () => {
    expect(off.metricsServer).toBeUndefined();
    expect(off.metricsPort).toBeUndefined();
    expect(await connects(metricsPort)).toBe(false);
    expect(await connects(off.port)).toBe(true);
  });

  it('does not measure HTTP requests or collect default metrics', async () => {
    const before = await registrySum('medianest_http_requests_total');
    for (const p of ['/api/v1/auth/session', '/api/v1/nope', '/health/live']) await fetch(`${off.baseUrl}${p}`);
    expect(await registrySum('medianest_http_requests_total')).toBe(before);
    expect(await registrySum('medianest_http_request_duration_seconds', {}, 'medianest_http_request_duration_seconds_count')).toBe(0);
    expect(await registryLabelValues('medianest_http_requests_total', 'endpoint')).toEqual(new Set());
    expect(register.getSingleMetric('medianest_process_cpu_seconds_total')).toBeUndefined();
  });

  it('still serves the API', async () => {
    const res = await fetch(`${off.baseUrl}/api/v1/auth/session`);
    expect(res.status).toBe(401);
    expect((await fetch(`${off.baseUrl}/health/live`)).status).toBe(200);
  });
});

describe('the metrics listener', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => server?.cleanup());

  const auth = { authorization: `Bearer ${TOKEN}` };

  it('listens on its own port, and the API port has no /metrics (404 JSON)', async () => {
    expect(server.metricsPort).toBeDefined();
    expect(server.metricsPort).not.toBe(server.port);
    const res = await fetch(`${server.baseUrl}/metrics`, { headers: auth });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });

  it('answers 401 without a bearer token or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
    ];
    for (const headers of attempts) {
      const res = await fetch(server.metricsUrl!, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await res.json();
      expect(body.error.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body)).not.toContain('medianest_');
    }
  });

  it('answers 200 with the right token, in Prometheus text format by default', async () => {
    const res = await fetch(server.metricsUrl!, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    expect(body).toContain('# TYPE medianest_http_requests_total counter');
    expect(body).not.toContain('# EOF');
  });

  it('answers in OpenMetrics, ending with # EOF, when the scraper asks for it', async () => {
    const res = await fetch(server.metricsUrl!, { headers: { ...auth, accept: OPENMETRICS_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const body = await res.text();
    expect(body.trimEnd().endsWith('# EOF')).toBe(true);
    // OpenMetrics names the counter family without _total; the sample keeps it.
    expect(body).toContain('# TYPE medianest_http_requests counter');
  });

  it('keeps counter names (with _total) in Prometheus text after an OpenMetrics scrape', async () => {
    await fetch(`${server.baseUrl}/api/v1/nope`); // a sample for the counter
    const om = await (await fetch(server.metricsUrl!, { headers: { ...auth, accept: OPENMETRICS_ACCEPT } })).text();
    expect(om).toMatch(/^medianest_http_requests_total\{/m);
    const text = await (await fetch(server.metricsUrl!, { headers: auth })).text();
    expect(text).toContain('# TYPE medianest_http_requests_total counter');
    expect(text).toMatch(/^medianest_http_requests_total\{/m);
    expect(text).not.toMatch(/^# TYPE medianest_http_requests counter/m);
    expect(text).toContain('# TYPE medianest_logins_total counter');
  });

  it('gives each of many concurrent scrapes the format it asked for', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const openMetrics = i % 2 === 0;
        const res = await fetch(server.metricsUrl!, { headers: openMetrics ? { ...auth, accept: OPENMETRICS_ACCEPT } : auth });
        const body = await res.text();
        return { openMetrics, contentType: res.headers.get('content-type')!, eof: body.includes('# EOF') };
      }),
    );
    for (const r of results) {
      expect(r.contentType.startsWith(r.openMetrics ? 'application/openmetrics-text' : 'text/plain')).toBe(true);
      expect(r.eof).toBe(r.openMetrics);
    }
  });

  it('serves only /metrics, only to GET and HEAD', async () => {
    const base = server.metricsUrl!.replace(/\/metrics$/, '');
    const other = await fetch(`${base}/`, { headers: auth });
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe('NOT_FOUND');
    const post = await fetch(server.metricsUrl!, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(server.metricsUrl!, { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.metricsUrl!}?name[]=x`, { headers: auth })).status).toBe(200);
  });
});
