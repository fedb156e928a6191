/**
 * OpenTelemetry bootstrap. main.ts imports this module first, so the SDK and
 * its instrumentations (http, express, pg, ioredis, undici) are in place
 * before any of those modules is loaded. With no OTEL_EXPORTER_OTLP_ENDPOINT
 * (or its alias JAEGER_ENDPOINT) nothing is started and the SDK is not even
 * loaded, keeping start-up cheap. A bad configuration is left to main.ts to
 * report.
 */
import { loadConfig, type Config } from './config';
import type { TracingHandle } from './observability/tracing-sdk';

function bspDelay(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  return env.OTEL_BSP_SCHEDULE_DELAY && Number.isFinite(value) && value >= 0 ? value : undefined;
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracing } = require('./observability/tracing-sdk') as typeof import('./observability/tracing-sdk');
  return startTracing({
    endpoint: config.otlpEndpoint,
    samplerRatio: config.OTEL_TRACES_SAMPLER_ARG,
    version: config.version,
    environment: config.NODE_ENV,
    metricsPort: config.PROMETHEUS_ENABLED && config.METRICS_PORT !== 0 ? config.METRICS_PORT : undefined,
    scheduledDelayMillis: bspDelay(process.env),
  });
}

/** The running SDK, or undefined when tracing is off. */
export const tracing: TracingHandle | undefined = start();

/** Exports pending spans and stops the SDK within `timeoutMs` (no-op when tracing is off). */
export async function shutdownTracing(timeoutMs: number): Promise<void> {
  await tracing?.shutdown(timeoutMs);
}
