/**
 * A bounded ring buffer of the latest error (and fatal) log lines with their
 * trace and request ids, for the admin Ops page. The logger feeds it through
 * `recentErrorsStream` (a pino multistream destination at level `error`);
 * anything can also `recordLogLine` a serialized JSON line directly.
 */
import { Writable } from 'node:stream';
import type { RecentErrorLine } from '@medianest/contracts';

export const RECENT_ERRORS_KEPT = 50;
const MAX_TEXT = 2_000;
const ERROR_LEVEL = 50;

const lines: RecentErrorLine[] = [];

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.slice(0, MAX_TEXT);
  if (typeof v === 'number') return String(v);
  return null;
}

function levelOf(v: unknown): 'error' | 'fatal' | undefined {
  if (v === 'fatal' || (typeof v === 'number' && v >= 60)) return 'fatal';
  if (v === 'error' || (typeof v === 'number' && v >= ERROR_LEVEL)) return 'error';
  return undefined;
}

function errorText(v: unknown): string | null {
  if (typeof v === 'string') return v.slice(0, MAX_TEXT);
  if (v && typeof v === 'object') {
    const e = v as { type?: unknown; message?: unknown };
    const text = [str(e.type), str(e.message)].filter(Boolean).join(': ');
    return text ? text.slice(0, MAX_TEXT) : null;
  }
  return null;
}

/** Records one JSON log line if its level is error or fatal; other lines and non-JSON text are ignored. */
export function recordLogLine(line: string): void {
  let parsed: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(line);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    parsed = value as Record<string, unknown>;
  } catch {
    return;
  }
  const level = levelOf(parsed.level);
  if (!level) return;
  const time = typeof parsed.time === 'number' ? new Date(parsed.time).toISOString() : (str(parsed.time) ?? new Date().toISOString());
  lines.push({
    time,
    level,
    message: str(parsed.message) ?? str(parsed.msg) ?? '',
    event: str(parsed.event),
    traceId: str(parsed.trace_id),
    spanId: str(parsed.span_id),
    requestId: str(parsed.request_id),
    error: errorText(parsed.err),
  });
  if (lines.length > RECENT_ERRORS_KEPT) lines.splice(0, lines.length - RECENT_ERRORS_KEPT);
}

/** The latest error lines, newest first. */
export function recentErrors(limit = RECENT_ERRORS_KEPT): RecentErrorLine[] {
  return lines.slice(-limit).reverse();
}

/** A writable destination for pino.multistream: `{ level: 'error', stream: recentErrorsStream }`. */
export const recentErrorsStream = new Writable({
  decodeStrings: false,
  write(chunk: Buffer | string, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') recordLogLine(line);
    done();
  },
});
