/**
 * In-process tracing for unit tests: the NodeSDK with an async-context manager
 * and spans kept in memory (no instrumentations — vitest loads modules outside
 * require hooks; instrumented behaviour is tested on the built process in
 * tracing.test.ts). Tracing is process-global: use it from a test file of its
 * own (vitest runs each file in its own process).
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface InMemoryTracing {
  spans(): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

export function startInMemoryTracing(wrap: (exporter: SpanExporter) => SpanExporter = (e) => e): InMemoryTracing {
  const memory = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    spanProcessors: [new SimpleSpanProcessor(wrap(memory))],
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
    autoDetectResources: false,
  });
  sdk.start();
  return {
    spans: () => memory.getFinishedSpans(),
    reset: () => memory.reset(),
    shutdown: () => sdk.shutdown(),
  };
}
