import type { QueueSnapshot } from '@medianest/contracts';

export type { QueueSnapshot };
/**
 * The one background-job abstraction: what a job is, what a queue offers, and
 * the budget a queue gets to close. Two backends implement it (bullmq-queue.ts
 * with Redis, in-process-queue.ts without); create-job-queue.ts picks one.
 * With REDIS_URL set, jobs run on BullMQ, shared by every replica and by the
 * worker process; without Redis, the in-process queue gives the same
 * behaviour: concurrency 1 per queue, a bounded number of attempts with
 * exponential backoff, and a job that keeps failing ends `failed` instead of
 * looping.
 *
 * Every attempt is measured by construction in instrumented-run.ts; queue
 * depth feeds medianest_background_jobs_waiting at scrape time.
 */
export interface JobSpec {
  /** Queue name, also the `queue` label: one queue per kind of job. */
  queue: string;
  /** The `job_type` label of the duration histogram. */
  jobType: string;
  /** Runs every this many milliseconds (first run at start); omit for on-demand jobs. */
  everyMs?: number;
  /** Tries in total, the first included. */
  attempts: number;
  /** Delay before the first retry; each further retry waits twice as long. */
  backoffMs: number;
  /** One attempt. `data` is what `enqueue` was given (repeating jobs get `{}`); `attempt` is 1-based. */
  run(data: JobData, attempt: AttemptInfo): Promise<unknown>;
}

/** A job's payload: small, JSON-serialisable (BullMQ stores it in Redis). */
export type JobData = Record<string, string | number | boolean | null>;

export interface AttemptInfo {
  attempt: number;
  maxAttempts: number;
}

export interface EnqueueOptions {
  data?: JobData;
  /** Jobs with the same id are added once while the first is still known to the queue. */
  jobId?: string;
}

export interface JobQueue {
  readonly backend: 'bullmq' | 'in-process';
  /** Registers a job; call before start(). */
  define(spec: JobSpec): void;
  /**
   * Schedules the repeating jobs and, when `process` is true, runs processors
   * in this process. Never waits for Redis: scheduling completes when it answers.
   */
  start(options: { process: boolean }): Promise<void>;
  /** Whether this process runs processors (after start). */
  readonly processing: boolean;
  /** Adds one run of a defined job now. */
  enqueue(queue: string, options?: EnqueueOptions): Promise<void>;
  /** Waiting jobs per queue; rejects when the backend cannot answer. */
  waiting(): Promise<Map<string, number>>;
  snapshot(): Promise<QueueSnapshot[]>;
  /** Stops scheduling, lets running jobs finish within `timeoutMs`, closes connections. */
  close(timeoutMs?: number): Promise<void>;
}

export const JOB_CLOSE_BUDGET_MS = 5_000;
