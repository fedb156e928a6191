/**
 * Start-up failures said in one line: the setting that cannot be used and the
 * cause (`DATABASE_URL: ECONNREFUSED 127.0.0.1:5433`), never a stack trace, a
 * wrapper's "Failed query: …" or `[object Object]`.
 */

/** A setting whose value is well-formed but cannot be used (unreachable, missing, not writable). */
export class StartupError extends Error {
  constructor(
    readonly setting: string,
    cause: string,
  ) {
    super(`${setting}: ${cause}`);
    this.name = 'StartupError';
  }
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** What one error (without its causes) says, or '' when it says nothing useful. */
function describeOne(err: unknown): string {
  if (err === null || err === undefined) return '';
  if (typeof err === 'string') return oneLine(err);
  if (typeof err === 'number' || typeof err === 'boolean' || typeof err === 'bigint') return String(err);
  if (typeof err !== 'object') return ''; // a symbol or a function says nothing useful
  const e = err as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  // A socket error: `ECONNREFUSED 127.0.0.1:5433`, the code and where, not Node's "connect …" prose.
  if (/^E[A-Z]+$/.test(code) && typeof e.address === 'string') {
    return `${code} ${e.address}${typeof e.port === 'number' || typeof e.port === 'string' ? `:${e.port}` : ''}`;
  }
  const message = typeof e.message === 'string' ? oneLine(e.message) : '';
  if (message) return message;
  if (code) return code;
  // Objects thrown by wasm file systems carry only an errno.
  const errno = (err as { errno?: unknown }).errno;
  return typeof errno === 'number' ? `errno ${errno}` : '';
}

/**
 * The cause of a failure in one line: the innermost error of a `cause` chain (drivers and ORMs wrap
 * the real reason), every error of an AggregateError (a host name with several addresses).
 */
export function describeError(err: unknown): string {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 8; e = (e as ErrorLike).cause) {
    chain.push(e);
    if (typeof e !== 'object') break;
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const e = chain[i] as ErrorLike;
    if (e && typeof e === 'object' && Array.isArray(e.errors) && e.errors.length > 0) {
      const parts = [...new Set(e.errors.map(describeOne).filter(Boolean))];
      if (parts.length) return parts.join(', ');
    }
    const text = describeOne(e);
    if (text) return text;
  }
  return 'unknown error';
}
