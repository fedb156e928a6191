/**
 * The last stop before spans leave the process: every exported span passes
 * through `SanitizingSpanExporter`, which removes secrets from span names,
 * attributes, event attributes (exception messages and stacks), link
 * attributes and status messages, and strips literal values from SQL
 * statements. Doing it at the export boundary covers every instrumentation
 * (http, express, pg, ioredis, undici) and our own spans in one place.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { statementShape } from '../sql-statement';
import { isSensitiveName, REDACTED, redactText, secretUrlPartsIn } from '../redact';

const STATEMENT_KEYS = new Set(['db.statement', 'db.query.text']);

function sanitizeValue(key: string, value: AttributeValue | undefined, scrub: (text: string) => string): AttributeValue | undefined {
  if (value === undefined || value === null) return value;
  if (isSensitiveName(key)) return REDACTED;
  if (typeof value === 'string') {
    if (STATEMENT_KEYS.has(key)) return statementShape(scrub(value));
    return scrub(value);
  }
  if (Array.isArray(value) && value.some((v) => typeof v === 'string')) {
    return (value as (string | null | undefined)[]).map((v) => (typeof v === 'string' ? scrub(v) : v));
  }
  return value;
}

export function sanitizeAttributes(attributes: Attributes, scrub: (text: string) => string = redactText): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = sanitizeValue(key, value, scrub);
  return out;
}

/**
 * redactText, plus the path and query of a secret URL (a push endpoint) that the span holds in
 * full: the undici span carries them alone in url.path and url.query as well.
 */
function scrubberFor(span: ReadableSpan): (text: string) => string {
  const parts = Object.values(span.attributes).flatMap((v) => (typeof v === 'string' ? secretUrlPartsIn(v) : []));
  if (parts.length === 0) return redactText;
  return (text) => redactText(parts.reduce((out, part) => out.split(part).join(REDACTED), text));
}

/** A copy of the span with every secret removed. */
export function sanitizeSpan(span: ReadableSpan): ReadableSpan {
  const scrub = scrubberFor(span);
  return {
    name: scrub(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    status: span.status.message === undefined ? span.status : { ...span.status, message: scrub(span.status.message) },
    attributes: sanitizeAttributes(span.attributes, scrub),
    links: span.links.map((link) => (link.attributes ? { ...link, attributes: sanitizeAttributes(link.attributes, scrub) } : link)),
    events: span.events.map((event) => (event.attributes ? { ...event, attributes: sanitizeAttributes(event.attributes, scrub) } : event)),
  };
}

/** Wraps the real exporter; spans are sanitized in the background export, never on the request path. */
export class SanitizingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(sanitizeSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
