/**
 * How long /metrics takes to render: the real catalog (default metrics and
 * realistic traffic across the catalog's fixed metrics) plus a number of extra
 * synthetic series, rendered with renderMetrics exactly as the metrics
 * listener does, in both exposition formats. Reports the median of many
 * renders after warm-up.
 */
import { performance } from 'node:perf_hooks';
import prometheus from 'prom-client';
import { renderMetrics } from '../src/observability/metrics/metrics-server';
import {
  databaseQueryDuration,
  httpRequestDuration,
  httpRequestsTotal,
  redisOperationDuration,
  register,
  startDefaultMetrics,
} from '../src/observability/metrics/catalog';
import { median } from './load';

export interface RenderResult {
  shape: string;
  seriesInOutput: number;
  bytes: number;
  prometheusMs: number;
  openMetricsMs: number;
}

const SYNTHETIC = 'medianest_bench_synthetic';

/** Traffic of a busy household across the catalog: 24 templates × methods × statuses, DB and Redis. */
function populateCatalog(): void {
  const templates = Array.from({ length: 24 }, (_, i) => `/api/v1/feature${i % 6}/route${i}/:id`);
  for (const endpoint of templates) {
    for (const [method, status_code] of [
      ['GET', '200'],
      ['GET', '404'],
      ['POST', '201'],
      ['GET', '401'],
    ] as const) {
      const labels = { method, endpoint, status_code };
      for (let i = 0; i < 20; i++) httpRequestDuration.observe({ labels, value: Math.random() * 0.4 });
      httpRequestsTotal.inc(labels, 20);
    }
  }
  for (const table of ['users', 'sessions', 'media_requests', 'monitored_services', 'service_status_history', 'alerts', 'settings']) {
    for (const operation of ['select', 'insert', 'update', 'delete']) {
      databaseQueryDuration.observe({ operation, table, status: 'success' }, Math.random() * 0.01);
    }
  }
  for (const command of ['get', 'set', 'del', 'incr', 'pttl', 'evalsha', 'other']) {
    redisOperationDuration.observe({ command, status: 'success' }, Math.random() * 0.002);
  }
}

function sampleLines(body: string): number {
  let n = 0;
  for (const line of body.split('\n')) if (line !== '' && !line.startsWith('#')) n++;
  return n;
}

async function timeRenders(openMetrics: boolean, renders: number): Promise<number> {
  for (let i = 0; i < 3; i++) await renderMetrics(openMetrics);
  const times: number[] = [];
  for (let i = 0; i < renders; i++) {
    const start = performance.now();
    await renderMetrics(openMetrics);
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Adds `series` synthetic series as one counter family (one sample per label value). */
function addCounterSeries(series: number): void {
  const counter = new prometheus.Counter({
    name: `${SYNTHETIC}_total`,
    help: 'Benchmark: synthetic series',
    labelNames: ['series'],
    registers: [register],
  });
  for (let i = 0; i < series; i++) counter.inc({ series: `s${i}` }, i);
}

/** Adds about `series` synthetic series as histograms with the HTTP buckets (11 samples per label set). */
function addHistogramSeries(series: number): void {
  const histogram = new prometheus.Histogram({
    name: `${SYNTHETIC}_seconds`,
    help: 'Benchmark: synthetic series',
    labelNames: ['series'],
    buckets: [0.01, 0.05, 0.1, 0.3, 0.5, 1, 2, 5],
    registers: [register],
  });
  for (let i = 0; i < Math.ceil(series / 11); i++) histogram.observe({ series: `s${i}` }, (i % 100) / 100);
}

export async function measureRender(extraSeries: number, renders: number): Promise<RenderResult[]> {
  startDefaultMetrics();
  populateCatalog();
  const results: RenderResult[] = [];
  const measure = async (shape: string) => {
    const { body } = await renderMetrics(false);
    results.push({
      shape,
      seriesInOutput: sampleLines(body),
      bytes: Buffer.byteLength(body),
      prometheusMs: await timeRenders(false, renders),
      openMetricsMs: await timeRenders(true, renders),
    });
  };
  await measure('catalog only');
  addCounterSeries(extraSeries);
  await measure(`catalog + ${extraSeries.toLocaleString('en')} counter series`);
  register.removeSingleMetric(`${SYNTHETIC}_total`);
  addHistogramSeries(extraSeries);
  await measure(`catalog + ${extraSeries.toLocaleString('en')} histogram series`);
  register.removeSingleMetric(`${SYNTHETIC}_seconds`);
  return results;
}
