/**
 * Builds and starts OpenTelemetry's tracer provider: OTLP/HTTP (JSON) — which
 * Jaeger ≥ 1.35 and Tempo take natively; the Jaeger exporter is deprecated — to
 * `{endpoint}/v1/traces`, batched; parent-based ratio sampling of what is recorded,
 * then tail sampling of what is exported (tail-sampling.ts); only the
 * instrumentations we use (outgoing http, undici/fetch) — not the auto bundle;
 * database statements and Redis commands get their spans from our own driver
 * wrappers (db/instrument.ts, redis/client.ts), deferred until the trace is kept
 * (deferred-spans.ts); incoming requests get their SERVER span from the web app's
 * first middleware (server-spans.ts), which leaves health probes out, and the
 * metrics listener is never traced; every span is sanitized before export (span-redaction.ts). No OTLP metrics
 * or logs: Prometheus and Loki carry those. So not the all-signals NodeSDK, which loads the metrics
 * and logs SDKs, every exporter and propagator it can build from the environment (475 modules, +6.9 MB
 * of heap that every major collection marks again) — the trace provider and our two
 * instrumentations are 302 modules and 3.6 MB.
 *
 * Loaded only by tracing.ts, and only when an endpoint is configured.
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, hostDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setDeferredRoots } from './deferred-root';
import { setDeferredSpanSink } from './deferred-spans';
import { SanitizingSpanExporter } from './span-redaction';
import { TailSamplingSpanProcessor } from './tail-sampling';
import { markTracingStarted, SERVICE_INSTANCE_ID, SERVICE_NAME, setTraceKeptHook } from './trace';

/*
 * Incoming requests: the web app's first middleware makes their SERVER spans (server-spans.ts),
 * named after the matched route template. That replaces both @opentelemetry/instrumentation-express
 * (which wraps every Express layer of every request for a "request handler" span) and the http
 * instrumentation's server side (which binds the request and response emitters to the context);
 * together they cost most of tracing's CPU on the bench — see docs/performance.md. The http
 * instrumentation stays for outgoing node:http calls.
 */

export interface TracingSettings {
  /** OTLP/HTTP base URL (…:4318); `/v1/traces` is appended unless already there. */
  endpoint: string;
  /** Fraction of new traces recorded (parent-based: a sampled caller's trace is always continued). */
  samplerRatio: number;
  /** Which recorded traces are exported (tail-sampling.ts); undefined: all of them. */
  tailSampling?: { slowMs: number; perSecond: number; burst: number };
  version: string;
  environment: string;
  /** INSTANCE_NAME (the logs' `instance`); `<hostname>-<pid>` when unset. */
  instance?: string;
  /** How long finished spans wait before a batch export (OTEL_BSP_SCHEDULE_DELAY). */
  scheduledDelayMillis?: number;
  /** Spans per export request (OTEL_BSP_MAX_EXPORT_BATCH_SIZE); a full batch is sent at once. */
  maxExportBatchSize?: number;
}

export interface TracingHandle {
  readonly tracesUrl: string;
  /** Exports every finished span now. */
  forceFlush(): Promise<void>;
  /** Exports what is pending and stops, giving up after `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<void>;
}

export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

/**
 * OTel's own problems (an export that failed because Jaeger is down) go to our log, at most once
 * a minute per message. The logger module is read at use time: it is configured after tracing starts.
 */
class RateLimitedDiagLogger implements DiagLogger {
  private readonly lastLogged = new Map<string, number>();

  private log(level: 'warn' | 'error', message: string, args: unknown[]): void {
    const now = Date.now();
    if ((this.lastLogged.get(message) ?? 0) > now - 60_000) return;
    if (this.lastLogged.size > 100) this.lastLogged.clear();
    this.lastLogged.set(message, now);
    const detail = args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- read at use time: the logger is configured after tracing starts
    const { logger } = require('../logging/logger') as typeof import('../logging/logger');
    logger()[level]({ event: 'tracing.problem', detail: detail.slice(0, 500) }, `OpenTelemetry: ${message}`);
  }

  error(message: string, ...args: unknown[]): void {
    this.log('error', message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.log('warn', message, args);
  }
  info(): void {}
  debug(): void {}
  verbose(): void {}
}

/** New traces: all, none, or a ratio (the ratio sampler reads the trace id, which all/none need not). */
function rootSampler(ratio: number): Sampler {
  if (ratio >= 1) return new AlwaysOnSampler();
  if (ratio <= 0) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(ratio);
}

/**
 * The tail sampler in front of the batch exporter; metric exemplars wait for its decision, and
 * statement spans are records it turns into spans only for kept traces (deferred-spans.ts). When
 * every new trace is recorded (ratio 1), requests' roots are records too (deferred-root.ts).
 */
function tailSampler(
  batch: SpanProcessor,
  options: { slowMs: number; perSecond: number; burst: number },
  resource: Resource,
  samplerRatio: number,
): TailSamplingSpanProcessor {
  const sampler = new TailSamplingSpanProcessor(batch, options);
  setTraceKeptHook((traceId, fn) => sampler.whenKept(traceId, fn));
  setDeferredSpanSink(sampler);
  if (samplerRatio >= 1) setDeferredRoots({ sink: sampler, resource });
  return sampler;
}

/**
 * Makes `provider` the global one, with the AsyncLocalStorage context manager and W3C trace context
 * (`traceparent`) in and out; we propagate no baggage. The unit tests' in-memory tracing registers
 * through it too, so they continue a caller's trace exactly as production does.
 */
export function registerTracerProvider(provider: NodeTracerProvider): void {
  provider.register({ propagator: new W3CTraceContextPropagator() });
}

export function startTracing(settings: TracingSettings): TracingHandle {
  diag.setLogger(new RateLimitedDiagLogger(), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const url = tracesUrl(settings.endpoint);
  const exporter = new SanitizingSpanExporter(new OTLPTraceExporter({ url, timeoutMillis: 10_000 }));
  const batch = new BatchSpanProcessor(exporter, {
    scheduledDelayMillis: settings.scheduledDelayMillis ?? 5_000,
    maxQueueSize: 4096,
    maxExportBatchSize: Math.min(settings.maxExportBatchSize ?? 512, 4096),
  });
  // Built here, so that deferred roots carry the very resource the provider's spans do.
  const resource = resourceFromAttributes({
    'service.name': SERVICE_NAME,
    'service.version': settings.version,
    'service.instance.id': settings.instance ?? SERVICE_INSTANCE_ID,
    'deployment.environment': settings.environment,
    'deployment.environment.name': settings.environment,
  }).merge(detectResources({ detectors: [envDetector, hostDetector] }));
  const processor = settings.tailSampling ? tailSampler(batch, settings.tailSampling, resource, settings.samplerRatio) : batch;
  const provider = new NodeTracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: rootSampler(settings.samplerRatio) }),
    spanProcessors: [processor],
  });
  registerTracerProvider(provider);
  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outgoing node:http calls only; no request or response headers are recorded (they carry cookies and tokens).
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
    ],
  });
  markTracingStarted();

  let stopped: Promise<void> | undefined;
  return {
    tracesUrl: url,
    forceFlush: () => processor.forceFlush(),
    shutdown(timeoutMs) {
      stopped ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const budget = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        });
        await Promise.race([provider.shutdown().catch(() => undefined), budget]);
        clearTimeout(timer);
        disableInstrumentations();
      })();
      return stopped;
    },
  };
}
