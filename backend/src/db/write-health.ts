/**
 * Whether the database can store changes. A full disk or a read-only file
 * system (or PostgreSQL's `disk_full` / `read_only_sql_transaction`) lets reads
 * go on while every write fails: the database still answers a ping, so only
 * the failing writes themselves reveal it. They are recognised here, turn the
 * request into a 503 that says so (not a 500), mark the database degraded in
 * readiness and in `medianest_database_writable`, and a small heartbeat write
 * is retried on an interval until one succeeds, which clears both by itself.
 */
import { causeChain } from '../errors';
import { logger } from '../observability/logging/logger';

export type WriteFailureReason = 'disk_full' | 'read_only';

export interface WriteFailure {
  reason: WriteFailureReason;
  /** The database's or the file system's own words, one line. */
  message: string;
  since: Date;
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', '53100']);
const READ_ONLY_CODES = new Set(['EROFS', '25006']);

/** The write failure `err` (or one of its causes) is, or undefined for any other error. */
export function classifyWriteFailure(err: unknown): { reason: WriteFailureReason; message: string } | undefined {
  for (const { code: c, message } of causeChain(err)) {
    const text = message.replace(/\s+/g, ' ').trim();
    if (DISK_FULL_CODES.has(c) || /could not extend file|no space left on device|disk quota exceeded/i.test(text)) {
      return { reason: 'disk_full', message: text || c };
    }
    if (READ_ONLY_CODES.has(c) || /read-only file system|read-only transaction/i.test(text)) {
      return { reason: 'read_only', message: text || c };
    }
  }
  return undefined;
}

/** What the operator is told, per reason. */
export function describeWriteFailure(reason: WriteFailureReason): string {
  return reason === 'disk_full'
    ? 'the database cannot store changes: its disk is full'
    : 'the database cannot store changes: it is read-only';
}

export class WriteHealth {
  private failure: WriteFailure | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    /** A tiny write that succeeds once the database can store changes again. */
    private readonly heartbeat: () => Promise<unknown>,
    private readonly retryIntervalMs = 5_000,
  ) {}

  /** The current write failure, or undefined while writes succeed. */
  current(): WriteFailure | undefined {
    return this.failure;
  }

  /** Called with every failed statement; returns true when it was a write failure. */
  observeError(err: unknown): boolean {
    const found = classifyWriteFailure(err);
    if (!found) return false;
    if (!this.failure) {
      this.failure = { ...found, since: new Date() };
      logger().error(
        { event: 'database.writes.failing', reason: found.reason, err: found.message },
        `Writes to the database fail: ${describeWriteFailure(found.reason)}`,
      );
      this.timer = setInterval(() => void this.retry(), this.retryIntervalMs);
      this.timer.unref();
    }
    return true;
  }

  /** Called after every successful write statement. */
  observeWriteSuccess(): void {
    if (!this.failure) return;
    const downFor = Date.now() - this.failure.since.getTime();
    this.failure = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    logger().info({ event: 'database.writes.restored', degraded_ms: downFor }, 'The database stores changes again');
  }

  /** One heartbeat write now (also what the interval does); resolves either way. */
  async retry(): Promise<void> {
    if (!this.failure || this.probing) return;
    this.probing = true;
    try {
      await this.heartbeat();
      this.observeWriteSuccess();
    } catch {
      // Still failing (the instrumented driver showed it to observeError), or another outage that
      // the database breaker and readiness report.
    } finally {
      this.probing = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
