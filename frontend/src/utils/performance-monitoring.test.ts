/** PerformanceMonitor: route attribution, navigation timing, batching and the bounds the ingestion endpoints enforce. */
import type { MetricType } from 'web-vitals';
import { describe, expect, it } from 'vitest';
import {
  batches,
  CUSTOM_METRICS_ENDPOINT,
  MAX_BATCH,
  MAX_BATCH_BYTES,
  PerformanceMonitor,
  WEB_VITALS_ENDPOINT,
} from './performance-monitoring';

interface Sent {
  endpoint: string;
  metrics: Record<string, unknown>[];
}

function setup() {
  const sent: Sent[] = [];
  let now = 0;
  const monitor = new PerformanceMonitor(
    { send: (endpoint, payload) => sent.push({ endpoint, metrics: payload.metrics as Record<string, unknown>[] }) },
    () => now,
  );
  return { monitor, sent, at: (t: number) => (now = t) };
}

function vital(name: MetricType['name'], value: number, id: string, entryTimes: number[] = []): MetricType {
  return {
    name,
    value,
    delta: value,
    rating: 'good',
    id,
    navigationType: 'navigate',
    entries: entryTimes.map((startTime) => ({ startTime }) as PerformanceEntry),
  } as unknown as MetricType;
}

describe('PerformanceMonitor', () => {
  it('tags each vital with the route template showing when its entry happened, else the current one', () => {
    const { monitor, sent, at } = setup();
    at(0);
    monitor.routeChanged('/');
    at(400);
    monitor.routeChanged('/login');
    at(5000);
    monitor.routeChanged('/requests/:id');

    monitor.recordWebVital(vital('TTFB', 120.456, 'v1', [0]));
    monitor.recordWebVital(vital('LCP', 900, 'v2', [120, 650]));
    monitor.recordWebVital(vital('INP', 48, 'v3', [5200]));
    monitor.recordWebVital(vital('CLS', 0, 'v4'));
    monitor.flush();

    expect(sent).toEqual([
      {
        endpoint: WEB_VITALS_ENDPOINT,
        metrics: [
          { name: 'TTFB', value: 120.46, rating: 'good', route: '/', navigationType: 'navigate', id: 'v1' },
          { name: 'LCP', value: 900, rating: 'good', route: '/login', navigationType: 'navigate', id: 'v2' },
          { name: 'INP', value: 48, rating: 'good', route: '/requests/:id', navigationType: 'navigate', id: 'v3' },
          { name: 'CLS', value: 0, rating: 'good', route: '/requests/:id', navigationType: 'navigate', id: 'v4' },
        ],
      },
    ]);
  });

  it('keeps only the latest report of a metric instance until it is sent', () => {
    const { monitor, sent } = setup();
    monitor.routeChanged('/');
    monitor.recordWebVital(vital('CLS', 0.01, 'cls-1'));
    monitor.recordWebVital(vital('CLS', 0.05, 'cls-1'));
    monitor.flush();
    monitor.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.metrics.map((m) => m.value)).toEqual([0.05]);
  });

  it('times a navigation from its start to the new page showing its content', () => {
    const { monitor, sent, at } = setup();
    at(0);
    monitor.routeChanged('/'); // the landing page is not a navigation
    at(1000);
    monitor.routeReady('/');
    at(2000);
    monitor.routeChanged('/discover');
    at(2100);
    monitor.routeReady('/requests'); // another page: does not complete it
    at(2250);
    monitor.routeReady('/discover');
    monitor.routeReady('/discover'); // only once
    at(3000);
    monitor.navigationStarting(); // lazily loaded page: timed from the start, not from the route change
    at(3400);
    monitor.routeChanged('/admin/ops');
    at(3500);
    monitor.routeReady('/admin/ops');
    at(4000);
    monitor.routeChanged('/admin/ops'); // same template (query change): not a navigation
    monitor.routeReady('/admin/ops');
    monitor.flush();

    expect(sent).toEqual([
      {
        endpoint: CUSTOM_METRICS_ENDPOINT,
        metrics: [
          { name: 'navigation_duration', value: 250, labels: { from_route: '/', to_route: '/discover' } },
          { name: 'navigation_duration', value: 500, labels: { from_route: '/discover', to_route: '/admin/ops' } },
        ],
      },
    ]);
  });

  it('records API timings with the endpoint template, method and status code', () => {
    const { monitor, sent } = setup();
    monitor.recordApiCall({ endpoint: '/api/v1/media/requests/:id', method: 'GET', status: 404, durationMs: 12.3456 });
    monitor.recordApiCall({ endpoint: '/api/v1/media/search', method: 'GET', status: 0, durationMs: 80 });
    monitor.flush();
    expect(sent[0]!.metrics).toEqual([
      { name: 'api_request_duration', value: 12.35, labels: { endpoint: '/api/v1/media/requests/:id', method: 'GET', status_code: '404' } },
      { name: 'api_request_duration', value: 80, labels: { endpoint: '/api/v1/media/search', method: 'GET', status_code: '0' } },
    ]);
  });

  it('drops values the ingestion endpoint would reject, so one bad value cannot lose a batch', () => {
    const { monitor, sent } = setup();
    monitor.routeChanged('/');
    monitor.recordWebVital(vital('LCP', 61_000, 'late')); // a tab left in the background
    monitor.recordWebVital(vital('CLS', 12, 'huge'));
    monitor.recordWebVital(vital('FCP', 300, 'ok'));
    monitor.recordApiCall({ endpoint: '/api/v1/plex/libraries', method: 'GET', status: 200, durationMs: 75_000 });
    monitor.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.metrics.map((m) => m.id)).toEqual(['ok']);
  });

  it('sends nothing when nothing was observed', () => {
    const { monitor, sent } = setup();
    monitor.flush();
    expect(sent).toEqual([]);
  });

  it('splits large queues into batches within the endpoints’ entry and size limits', () => {
    const { monitor, sent } = setup();
    for (let i = 0; i < 120; i++) {
      monitor.recordApiCall({ endpoint: '/api/v1/media/requests/:id', method: 'GET', status: 200, durationMs: i });
    }
    monitor.flush();
    expect(sent.map((s) => s.metrics.length)).toEqual([MAX_BATCH, MAX_BATCH, 20]);
    for (const s of sent) expect(JSON.stringify({ metrics: s.metrics }).length).toBeLessThan(16 * 1024);

    const big = Array.from({ length: 30 }, (_, i) => ({ label: 'x'.repeat(1000), i }));
    const parts = batches(big);
    expect(parts.flat()).toEqual(big);
    for (const part of parts) expect(JSON.stringify(part).length).toBeLessThanOrEqual(MAX_BATCH_BYTES + 2);
  });
});
