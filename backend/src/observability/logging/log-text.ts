/**
 * The text of log lines where it is built on every request: the time stamp of every line, and the
 * access line (one per request, the most frequent line by far). The access line is built here as
 * its JSON text, byte for byte what pino writes for the same fields (logger.test.ts compares
 * them), rather than by pino's general path: an object per line, a serializer and a key lookup
 * for each field, and a copy of the whole line at every concatenation. That path was a third of
 * what metrics and logs cost a request.
 */

let secondStart = Number.NaN;
let secondPrefix = '';

/** `new Date(now).toISOString()`, with the part up to the second built once a second. */
export function isoTime(now: number = Date.now()): string {
  const ms = now % 1000;
  const second = now - ms;
  if (second !== secondStart) {
    secondStart = second;
    secondPrefix = new Date(second).toISOString().slice(0, 20); // 2026-12-07T04:50:12.
  }
  return secondPrefix + (ms < 10 ? '00' : ms < 100 ? '0' : '') + ms + 'Z';
}

/** pino's `timestamp` option: the same text as its `isoTime`. */
export const timestampField = (): string => `,"time":"${isoTime()}"`;

/** Printable ASCII without `"` and `\`: a JSON string needs nothing but its quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The fields of an access line, in the order they are written. Absent ones are left out, as pino does. */
export interface AccessFields {
  request_id: string;
  user_id?: string;
  trace_id?: string;
  span_id?: string;
  method: string;
  route: string;
  status: number;
  duration_ms: number;
}

/** A number as pino writes it: non-finite numbers are null. */
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

/**
 * How an access line is spelled: as JSON text (the console and the file), or as that text already
 * escaped into the content of a JSON string (Loki's push body, where every line is a string value).
 * Built escaped from its parts, the line Loki gets skips a JSON.stringify of the whole line per
 * request, the largest single cost of shipping it (~9,500 instructions of ~470,000 a request on the
 * session route).
 */
export interface JsonSpelling {
  /** A quote, as this spelling writes one. */
  quote: string;
  /** What goes between a string value's quotes. */
  content: (value: string) => string;
  /** After the closing brace: a newline for the console and the file, nothing inside a string. */
  end: string;
}

export const AS_JSON: JsonSpelling = {
  quote: '"',
  content: (value) => (PLAIN.test(value) ? value : JSON.stringify(value).slice(1, -1)),
  end: '\n',
};

export const ESCAPED_IN_STRING: JsonSpelling = {
  quote: '\\"',
  // The JSON string of the JSON string, without its quotes and the escaped quotes inside them.
  content: (value) => (PLAIN.test(value) ? value : JSON.stringify(JSON.stringify(value)).slice(3, -3)),
  end: '',
};

/**
 * An access line's constant text in one spelling, built once per logger (with its bindings,
 * `"service":…`), so that a line is its values joined by a few ready pieces: a string built of many
 * small parts costs a copy of each part when it is written out. Byte for byte the line pino writes
 * for the same fields (logger.test.ts compares them).
 */
export class AccessLineTemplate {
  private readonly start: Record<'info' | 'debug', string>;
  private readonly requestId: string;
  private readonly userId: string;
  private readonly traceId: string;
  private readonly spanId: string;
  private readonly method: string;
  private readonly route: string;
  private readonly status: string;
  private readonly duration: string;
  private readonly end: string;
  private readonly content: (value: string) => string;

  constructor(bindings: Record<string, string>, spelling: JsonSpelling) {
    const q = spelling.quote;
    const field = (key: string) => `${q}${key}${q}:`;
    const opening = (level: string) => `{${field('level')}${q}${level}${q},${field('time')}${q}`;
    this.start = { info: opening('info'), debug: opening('debug') };
    let bound = '';
    for (const key in bindings) bound += `,${field(key)}${q}${spelling.content(bindings[key]!)}${q}`;
    this.requestId = `${q}${bound},${field('request_id')}${q}`;
    this.userId = `${q},${field('user_id')}${q}`;
    this.traceId = `${q},${field('trace_id')}${q}`;
    this.spanId = `${q},${field('span_id')}${q}`;
    this.method = `${q},${field('event')}${q}http.access${q},${field('method')}${q}`;
    this.route = `${q},${field('route')}${q}`;
    this.status = `${q},${field('status')}`;
    this.duration = `,${field('duration_ms')}`;
    this.end = `,${field('message')}${q}request${q}}${spelling.end}`;
    this.content = spelling.content;
  }

  line(level: 'info' | 'debug', time: string, fields: AccessFields): string {
    const content = this.content;
    let text = this.start[level] + time + this.requestId + content(fields.request_id);
    if (fields.user_id !== undefined) text += this.userId + content(fields.user_id);
    if (fields.trace_id !== undefined) text += this.traceId + content(fields.trace_id);
    if (fields.span_id !== undefined) text += this.spanId + content(fields.span_id);
    return (
      text +
      this.method +
      content(fields.method) +
      this.route +
      content(fields.route) +
      this.status +
      jsonNumber(fields.status) +
      this.duration +
      jsonNumber(fields.duration_ms) +
      this.end
    );
  }
}
