/**
 * OpenTelemetry bootstrap. main.ts imports this module first, so the SDK and
 * its instrumentations (http, pg, ioredis, undici) are in place
 * before any of those modules is loaded. With no OTEL_EXPORTER_OTLP_ENDPOINT
 * (or its alias JAEGER_ENDPOINT) nothing is started and the SDK is not even
 * loaded, keeping start-up cheap. A bad configuration is left to main.ts to
 * report.
 */
import { loadConfig, type Config } from './config';
import type { TracingHandle } from './observability/tracing/sdk';

/** A standard OTEL_BSP_* setting, when it is a usable number. */
function bspSetting(name: string, min: number): number | undefined {
  const text = process.env[name];
  const value = Number(text);
  return text && Number.isInteger(value) && value >= min ? value : undefined;
}

function start(): TracingHandle | undefined {
  let config: Config;
  try {
    config = loadConfig();
  } catch {
    return undefined; // main.ts prints which variable is wrong and exits
  }
  if (!config.otlpEndpoint) return undefined;
  // Loaded only now: without an endpoint none of the SDK's modules are read.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only with an endpoint set, after the config is read: a static import would load the SDK for everyone
  const { startTracing } = require('./observability/tracing/sdk') as typeof import('./observability/tracing/sdk');
  return startTracing({
    endpoint: config.otlpEndpoint,
    samplerRatio: config.OTEL_TRACES_SAMPLER_ARG,
    tailSampling: config.TRACES_TAIL_SAMPLING
      ? { slowMs: config.TRACES_KEEP_SLOW_MS, perSecond: config.TRACES_KEEP_PER_SECOND, burst: config.TRACES_KEEP_BURST }
      : undefined,
    version: config.version,
    environment: config.NODE_ENV,
    instance: config.instance,
    scheduledDelayMillis: bspSetting('OTEL_BSP_SCHEDULE_DELAY', 0),
    maxExportBatchSize: bspSetting('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 1),
  });
}

/** The running SDK, or undefined when tracing is off. */
export const tracing: TracingHandle | undefined = start();

/** Exports pending spans and stops the SDK within `timeoutMs` (no-op when tracing is off). */
export async function shutdownTracing(timeoutMs: number): Promise<void> {
  await tracing?.shutdown(timeoutMs);
}
