/**
 * In-process tracing for unit tests: the tracer provider with an async-context manager
 * and spans kept in memory (no library instrumentations — vitest loads modules
 * outside require hooks; they are tested on the built process in
 * tracing.test.ts). Apps built after it starts make SERVER spans
 * (server-spans.ts), as in production. Tracing is process-global: use it from a test file of its
 * own (vitest runs each file in its own process).
 */
import type { Context } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { registerTracerProvider } from '../src/observability/tracing/sdk';
import { markTracingStarted } from '../src/observability/tracing/trace';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Passes everything on to `next`, calling `started` for each span object the SDK constructs. */
export function countingStarts(next: SpanProcessor, started: () => void): SpanProcessor {
  return {
    onStart: (span: Span, parent: Context) => {
      started();
      next.onStart(span, parent);
    },
    onEnding: (span: Span) => next.onEnding?.(span),
    onEnd: (span: ReadableSpan) => next.onEnd(span),
    forceFlush: () => next.forceFlush(),
    shutdown: () => next.shutdown(),
  };
}

export interface InMemoryTracing {
  spans(): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

export function startInMemoryTracing(
  wrap: (exporter: SpanExporter) => SpanExporter = (e) => e,
  /** Put a processor in front of the exporter's (the tail sampler). */
  front: (next: SpanProcessor) => SpanProcessor = (p) => p,
  /** The spans' resource (the SDK's default one when not given). */
  resource?: Resource,
): InMemoryTracing {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [front(new SimpleSpanProcessor(wrap(memory)))], resource });
  registerTracerProvider(provider);
  markTracingStarted(); // as the real bootstrap does: the web app mounts its SERVER span middleware
  return {
    spans: () => memory.getFinishedSpans(),
    reset: () => memory.reset(),
    shutdown: () => provider.shutdown(),
  };
}
