/**
 * Browser performance monitoring, sending only what the server's bounded
 * ingestion endpoints accept:
 * - Core Web Vitals through the web-vitals v5 callbacks (LCP, INP, CLS, FCP,
 *   TTFB; FID is gone), each tagged with the route TEMPLATE (`/requests/:id`)
 *   that was showing when the measured event happened — never a raw path;
 * - navigation_duration between routes (navigation start → the new page has
 *   its data on screen) and api_request_duration from the API client, with
 *   bounded labels;
 * - everything batched and sent every 30 s and when the page is hidden, with
 *   navigator.sendBeacon (keepalive fetch as fallback).
 */
import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricType } from 'web-vitals';
import {
  BROWSER_METRICS_BODY_LIMIT_BYTES,
  BROWSER_METRICS_MAX_ENTRIES,
  MAX_BROWSER_TIME_MS,
  MAX_CLS,
  type CustomMetricEntry,
  type WebVitalEntry,
} from '@medianest/contracts';
import { onApiTiming, postBeacon, type ApiTiming } from '../api/client';

export const WEB_VITALS_ENDPOINT = '/api/v1/metrics/web-vitals';
export const CUSTOM_METRICS_ENDPOINT = '/api/v1/metrics/custom';
export const FLUSH_INTERVAL_MS = 30_000;
/** Largest batch per request: the ingestion endpoints' own bound. */
export const MAX_BATCH = BROWSER_METRICS_MAX_ENTRIES;
/** Oldest observations are dropped beyond this, so an offline tab cannot grow without bound. */
export const MAX_QUEUED = 500;
/** A navigation whose page never reports ready is dropped after this long. */
export const NAVIGATION_TIMEOUT_MS = 30_000;
/** Largest JSON body per request, with room to spare below the ingestion endpoints' limit (16 kB). */
export const MAX_BATCH_BYTES = Math.floor(BROWSER_METRICS_BODY_LIMIT_BYTES * 0.75);
/** Route label for a location that matched no route (the ingestion endpoint's own label for it). */
export const UNKNOWN_ROUTE = 'other';

/** A Web Vital as the ingestion endpoint takes it (the contract's body entry), every field filled in. */
export type WebVitalObservation = Required<WebVitalEntry>;
export type CustomMetric = CustomMetricEntry;

export interface MetricsTransport {
  send(endpoint: string, payload: { metrics: unknown[] }): void;
}

const beaconTransport: MetricsTransport = { send: (endpoint, payload) => postBeacon(endpoint, payload) };

/** Which route template was showing since when (performance.now() time). */
class RouteTimeline {
  private readonly entries: { template: string; since: number }[] = [];

  set(template: string, since: number): void {
    const last = this.entries[this.entries.length - 1];
    if (last?.template === template) return;
    this.entries.push({ template, since });
    // Keep a bounded history: observations refer to the recent past.
    if (this.entries.length > 100) this.entries.splice(0, this.entries.length - 100);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  get current(): string {
    return this.entries[this.entries.length - 1]?.template ?? UNKNOWN_ROUTE;
  }

  /** The template that was showing at `time`; the first known one for times before it. */
  at(time: number): string {
    let found = this.entries[0]?.template ?? UNKNOWN_ROUTE;
    for (const entry of this.entries) {
      if (entry.since <= time) found = entry.template;
      else break;
    }
    return found;
  }
}

/** When the measured event happened: the latest entry's start time (e.g. the LCP element's paint). */
function observedAt(metric: MetricType): number | undefined {
  let latest: number | undefined;
  for (const entry of metric.entries as readonly PerformanceEntry[]) {
    if (latest === undefined || entry.startTime > latest) latest = entry.startTime;
  }
  return latest;
}

interface PendingNavigation {
  from: string;
  to: string;
  started: number;
}

export class PerformanceMonitor {
  private readonly routes = new RouteTimeline();
  /** Latest report per web-vitals metric id (CLS and INP may report again before a flush). */
  private vitals = new Map<string, WebVitalObservation>();
  private custom: CustomMetric[] = [];
  private pending: PendingNavigation | undefined;
  /** When the router began a navigation that has not changed the location yet (lazy route code loading). */
  private navigationStart: number | undefined;
  private started = false;

  constructor(
    private readonly transport: MetricsTransport = beaconTransport,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts collecting for the life of the page; safe to call more than once. */
  init(): void {
    if (this.started) return;
    this.started = true;
    const report = (metric: MetricType) => this.recordWebVital(metric);
    onTTFB(report);
    onFCP(report);
    onLCP(report);
    onCLS(report);
    onINP(report);
    onApiTiming((timing) => this.recordApiCall(timing));

    // web-vitals reports CLS/INP/LCP from its own capture-phase listeners on window, which run
    // before these (document / bubble phase), so the final values are queued when we flush.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.flush();
    });
    window.addEventListener('pagehide', () => this.flush());
    setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** The router began a navigation that will change the route once its code has loaded. */
  navigationStarting(): void {
    this.navigationStart ??= this.now();
  }

  /**
   * The router matched a new route template. The first one is the landing page;
   * every later change starts a navigation that `routeReady` completes.
   */
  routeChanged(template: string): void {
    const first = this.routes.isEmpty;
    const from = this.routes.current;
    const at = this.now();
    const started = this.navigationStart ?? at;
    this.navigationStart = undefined;
    this.routes.set(template, at);
    if (first || from === template) return;
    this.pending = { from, to: template, started };
  }

  /** The page for `template` shows its content: completes the navigation to it, if one is pending. */
  routeReady(template: string): void {
    const nav = this.pending;
    if (!nav || nav.to !== template) return;
    this.pending = undefined;
    const duration = this.now() - nav.started;
    if (duration < 0 || duration > NAVIGATION_TIMEOUT_MS) return;
    this.enqueueCustom({
      name: 'navigation_duration',
      value: round(duration),
      labels: { from_route: nav.from, to_route: nav.to },
    });
  }

  recordWebVital(metric: MetricType): void {
    if (!(metric.value >= 0 && metric.value <= (metric.name === 'CLS' ? MAX_CLS : MAX_BROWSER_TIME_MS))) return;
    const at = observedAt(metric);
    const route = at === undefined ? this.routes.current : this.routes.at(at);
    this.vitals.delete(metric.id); // re-insert so the map stays in report order
    this.vitals.set(metric.id, {
      name: metric.name,
      value: metric.name === 'CLS' ? metric.value : round(metric.value),
      rating: metric.rating,
      route,
      navigationType: metric.navigationType,
      id: metric.id,
    });
    while (this.vitals.size > MAX_QUEUED) {
      const oldest = this.vitals.keys().next().value;
      if (oldest === undefined) break;
      this.vitals.delete(oldest);
    }
  }

  recordApiCall(timing: ApiTiming): void {
    this.enqueueCustom({
      name: 'api_request_duration',
      value: round(timing.durationMs),
      labels: { endpoint: timing.endpoint, method: timing.method, status_code: String(timing.status) },
    });
  }

  /** Sends everything queued (in batches of MAX_BATCH) and empties the queue. */
  flush(): void {
    const vitals = [...this.vitals.values()];
    const custom = this.custom;
    this.vitals = new Map();
    this.custom = [];
    for (const batch of batches(vitals)) this.transport.send(WEB_VITALS_ENDPOINT, { metrics: batch });
    for (const batch of batches(custom)) this.transport.send(CUSTOM_METRICS_ENDPOINT, { metrics: batch });
  }

  private enqueueCustom(metric: CustomMetric): void {
    if (!(metric.value >= 0 && metric.value <= MAX_BROWSER_TIME_MS)) return;
    this.custom.push(metric);
    if (this.custom.length > MAX_QUEUED) this.custom.splice(0, this.custom.length - MAX_QUEUED);
  }
}

/** Splits into batches of at most MAX_BATCH entries and MAX_BATCH_BYTES of JSON. */
export function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = JSON.stringify(item).length + 1;
    if (current.length > 0 && (current.length >= MAX_BATCH || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

export const performanceMonitor = new PerformanceMonitor();
