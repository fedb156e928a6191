/**
 * BullMQ backend of the job queue (REDIS_URL set): one Queue per job kind,
 * job schedulers for the repeating jobs, and — in processing processes — one
 * Worker per queue with concurrency 1. Keys live under
 * `<REDIS_KEY_PREFIX>bull`. BullMQ gets its own ioredis connection (blocking
 * commands need maxRetriesPerRequest null, which the app's fail-fast client
 * must not have); every Queue, Worker and connection has an `error` listener,
 * so a Redis outage is logged once and never crashes the process, and work
 * resumes by itself when Redis answers again.
 */
import type { Job, JobsOptions, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { logger } from '../observability/logging/logger';
import type { RedisConnection } from '../redis/client';
import { countJob, runAttempt } from './instrumented-run';
import { JOB_CLOSE_BUDGET_MS, type EnqueueOptions, type JobData, type JobQueue, type JobSpec, type QueueSnapshot } from './job-queue';
import { errorMessage } from '../errors';

/** How long a scrape or the Ops page waits for queue counts before reporting them unknown. */
const COUNT_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function jobOptions(spec: JobSpec): JobsOptions {
  return {
    attempts: spec.attempts,
    backoff: { type: 'exponential', delay: spec.backoffMs },
    // Keep a short history for inspection; Redis must not grow with every run.
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  };
}

/** BullMQ is loaded with the first queue: a server without Redis never reads it (it is a large package). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when Redis is configured
const bullmq = () => require('bullmq') as typeof import('bullmq');

export class BullmqJobQueue implements JobQueue {
  readonly backend = 'bullmq' as const;
  private readonly specs = new Map<string, JobSpec>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private connection: Redis | undefined;
  private started = false;
  private closing = false;
  private isProcessing = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  get processing(): boolean {
    return this.isProcessing;
  }

  define(spec: JobSpec): void {
    if (this.started) throw new Error(`define(${spec.queue}) after start()`);
    if (this.specs.has(spec.queue)) throw new Error(`job queue ${spec.queue} is defined twice`);
    this.specs.set(spec.queue, spec);
  }

  async start(options: { process: boolean }): Promise<void> {
    if (this.started) return;
    this.started = true;
    const connection = this.redis.duplicate();
    this.connection = connection;
    this.watch(connection);

    for (const spec of this.specs.values()) {
      const queue = new (bullmq().Queue)(spec.queue, { connection, prefix: this.prefix, defaultJobOptions: jobOptions(spec) });
      queue.on('error', (err: Error) => this.onError('queue', spec.queue, err));
      this.queues.set(spec.queue, queue);
      if (spec.everyMs !== undefined) {
        // Not awaited: with Redis down this completes when it comes back, and start-up never hangs.
        queue
          .upsertJobScheduler(spec.queue, { every: spec.everyMs }, { name: spec.jobType, opts: jobOptions(spec) })
          .catch((err: unknown) => {
            if (!this.closing)
              logger().warn(
                { event: 'jobs.schedule.failed', queue: spec.queue, err: errorMessage(err) },
                'Could not schedule a repeating job',
              );
          });
      }
      if (options.process) {
        const worker = new (bullmq().Worker)(spec.queue, (job: Job) => this.process(spec, job), {
          connection,
          prefix: this.prefix,
          concurrency: 1,
          // After a Redis error, try again soon rather than BullMQ's default 15 s.
          runRetryDelay: 1_000,
        });
        worker.on('error', (err: Error) => this.onError('worker', spec.queue, err));
        this.workers.push(worker);
      }
    }
    this.isProcessing = options.process;
  }

  private async process(spec: JobSpec, job: Job): Promise<void> {
    // A scheduler's run is put on the queue by BullMQ itself; it is counted when first picked up.
    if (job.repeatJobKey && job.attemptsMade === 0 && job.attemptsStarted <= 1) countJob(spec.queue, 'queued');
    await runAttempt(spec, job.attemptsMade + 1, job.opts.attempts ?? 1, (job.data ?? {}) as JobData);
  }

  private watch(client: Redis): void {
    let lost = false;
    client.on('error', (err: Error) => {
      logger().debug({ event: 'jobs.redis.error', err: err.message }, 'Job queue Redis error');
    });
    client.on('close', () => {
      if (lost || this.closing) return;
      lost = true;
      logger().warn({ event: 'jobs.redis.lost' }, 'Job queue lost its Redis connection; jobs resume when it is back');
    });
    client.on('ready', () => {
      if (!lost) return;
      lost = false;
      logger().info({ event: 'jobs.redis.restored' }, 'Job queue reconnected to Redis');
    });
  }

  private onError(kind: 'queue' | 'worker', queue: string, err: Error): void {
    if (this.closing) return;
    // Connection errors repeat on every reconnect attempt; the connection watcher reports the outage once.
    logger().debug({ event: `jobs.${kind}.error`, queue, err: err.message }, 'Job queue error');
  }

  private ready(): boolean {
    return this.connection?.status === 'ready';
  }

  async enqueue(queueName: string, options: EnqueueOptions = {}): Promise<void> {
    const spec = this.specs.get(queueName);
    const queue = this.queues.get(queueName);
    if (!spec || !queue) throw new Error(`unknown or not started job queue ${queueName}`);
    await queue.add(spec.jobType, options.data ?? {}, {
      ...jobOptions(spec),
      ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
    });
    countJob(queueName, 'queued');
  }

  async waiting(): Promise<Map<string, number>> {
    if (!this.started) return new Map();
    if (!this.ready()) throw new Error('Redis is not reachable');
    const entries = await withTimeout(
      Promise.all([...this.queues].map(async ([name, queue]) => [name, await queue.getWaitingCount()] as const)),
      COUNT_TIMEOUT_MS,
      'BullMQ',
    );
    return new Map(entries);
  }

  async snapshot(): Promise<QueueSnapshot[]> {
    const unknown = (spec: JobSpec): QueueSnapshot => ({
      queue: spec.queue,
      jobType: spec.jobType,
      everyMs: spec.everyMs ?? null,
      waiting: null,
      active: null,
      delayed: null,
    });
    if (!this.ready()) return [...this.specs.values()].map(unknown);
    return Promise.all(
      [...this.specs.values()].map(async (spec) => {
        const queue = this.queues.get(spec.queue);
        if (!queue) return unknown(spec);
        try {
          const counts = await withTimeout(queue.getJobCounts('waiting', 'active', 'delayed'), COUNT_TIMEOUT_MS, 'BullMQ');
          return { ...unknown(spec), waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0 };
        } catch {
          return unknown(spec);
        }
      }),
    );
  }

  async close(timeoutMs = JOB_CLOSE_BUDGET_MS): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const deadline = Date.now() + timeoutMs;
    const remaining = () => Math.max(0, deadline - Date.now());
    // Running jobs get the budget to finish; then workers are closed without waiting.
    const graceful = await withTimeout(Promise.allSettled(this.workers.map((w) => w.close())), remaining(), 'workers').then(
      () => true,
      () => false,
    );
    if (!graceful) await Promise.allSettled(this.workers.map((w) => withTimeout(w.close(true), 1_000, 'worker')));
    await withTimeout(Promise.allSettled([...this.queues.values()].map((q) => q.close())), Math.max(remaining(), 500), 'queues').catch(
      () => undefined,
    );
    this.connection?.disconnect();
  }
}
