import { Counter, Gauge, Histogram, Registry, Summary, type RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { renderRegistry } from './exposition';

/** prom-client's own rendering, with the counter names it renames for OpenMetrics put back afterwards. */
async function promClientRender(registry: Registry<RegistryContentType>, openMetrics: boolean): Promise<string> {
  const names = registry.getMetricsAsArray().map((m) => [m, m.name] as const);
  registry.setContentType(openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
  try {
    return await registry.metrics();
  } finally {
    for (const [metric, name] of names) (metric as { name: string }).name = name;
  }
}

// prom-client's declarations lack the constructor's content-type argument.
const AnyRegistry = Registry as unknown as new (contentType?: RegistryContentType) => Registry<RegistryContentType>;

function populated(): Registry<RegistryContentType> {
  const registry = new AnyRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
  const requests = new Counter({
    name: 'demo_requests_total',
    help: 'Requests\nby route \\ status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  requests.inc({ route: '/a', status: '200' }, 3);
  requests.inc({ route: 'with "quotes" and \\ and\nnewline', status: '500' });
  new Counter({ name: 'demo_plain_total', help: 'No labels', registers: [registry] }).inc(2);
  const gauge = new Gauge({
    name: 'demo_gauge',
    help: 'A gauge read at scrape time',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.set({ kind: 'collected' }, 7);
    },
  });
  gauge.set({ kind: 'set' }, Number.POSITIVE_INFINITY);
  gauge.set({ kind: 'nan' }, Number.NaN);
  const histogram = new Histogram<string>({
    name: 'demo_seconds',
    help: 'Latency',
    labelNames: ['route'],
    buckets: [0.1, 0.5, 1],
    enableExemplars: true,
    registers: [registry],
  });
  histogram.observe({ labels: { route: '/a' }, value: 0.2, exemplarLabels: { trace_id: 'abc', span_id: 'def' } });
  histogram.observe({ labels: { route: '/b' }, value: 2 });
  const exemplarCounter = new Counter<string>({
    name: 'demo_exemplars_total',
    help: 'With exemplars',
    labelNames: ['x'],
    enableExemplars: true,
    registers: [registry],
  });
  exemplarCounter.inc({ labels: { x: '1' }, value: 1, exemplarLabels: { trace_id: 'abc' } });
  const summary = new Summary({
    name: 'demo_summary',
    help: 'A summary',
    labelNames: ['q'],
    percentiles: [0.5, 0.9],
    registers: [registry],
  });
  for (let i = 0; i < 10; i++) summary.observe({ q: 'x' }, i);
  return registry;
}

describe('metrics exposition', () => {
  it('renders exactly what prom-client renders, in Prometheus text', async () => {
    const registry = populated();
    expect(await renderRegistry(registry, false)).toBe(await promClientRender(registry, false));
  });

  it('renders exactly what prom-client renders, in OpenMetrics (with exemplars and # EOF)', async () => {
    const registry = populated();
    const ours = await renderRegistry(registry, true);
    // Exemplar timestamps are taken at observation time; both renders read the same ones.
    expect(ours).toBe(await promClientRender(registry, true));
    expect(ours).toContain('demo_requests_total{route="/a",status="200"} 3');
    expect(ours).toContain('trace_id="abc"');
    expect(ours.endsWith('# EOF\n')).toBe(true);
  });

  it('keeps counter names with _total in Prometheus text after an OpenMetrics render', async () => {
    const registry = populated();
    await renderRegistry(registry, true);
    const text = await renderRegistry(registry, false);
    expect(text).toContain('# TYPE demo_requests_total counter');
    expect(text).toContain('demo_requests_total{route="/a",status="200"} 3');
  });

  it('shows new values and new series of remembered label sets on the next render', async () => {
    const registry = new AnyRegistry();
    const counter = new Counter({ name: 'demo_changes_total', help: 'h', labelNames: ['k'], registers: [registry] });
    counter.inc({ k: 'a' });
    await renderRegistry(registry, false);
    counter.inc({ k: 'a' }, 4);
    counter.inc({ k: 'b' });
    const text = await renderRegistry(registry, false);
    expect(text).toContain('demo_changes_total{k="a"} 5');
    expect(text).toContain('demo_changes_total{k="b"} 1');
    counter.reset();
    expect(await renderRegistry(registry, false)).not.toContain('demo_changes_total{');
  });

  it('stays identical to prom-client as series are added, replaced and removed between renders', async () => {
    const registry = populated();
    await renderRegistry(registry, true);
    const histogram = registry.getSingleMetric('demo_seconds') as Histogram<string>;
    const gauge = registry.getSingleMetric('demo_gauge') as Gauge<string>;
    const counter = registry.getSingleMetric('demo_requests_total') as Counter<string>;
    histogram.observe({ labels: { route: '/c' }, value: 0.4 });
    histogram.observe({ labels: { route: '/a' }, value: 0.05 });
    gauge.set({ kind: 'set' }, 3);
    counter.remove({ route: '/a', status: '200' });
    counter.inc({ route: '/d', status: '201' });
    expect(await renderRegistry(registry, false)).toBe(await promClientRender(registry, false));
    expect(await renderRegistry(registry, true)).toBe(await promClientRender(registry, true));
    histogram.reset();
    histogram.observe({ labels: { route: '/e' }, value: 1 });
    expect(await renderRegistry(registry, false)).toBe(await promClientRender(registry, false));
    expect(await renderRegistry(registry, false)).toContain('demo_seconds_count{route="/e"} 1');
    expect(await renderRegistry(registry, false)).not.toContain('route="/c"');
  });
});
