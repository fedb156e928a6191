/**
 * The in-process job queue for installs without Redis (the embedded,
 * single-process mode; never used when REDIS_URL is set, so a second replica
 * never depends on one process's memory): timers schedule the repeating jobs,
 * each queue runs one job at a time, failed attempts are retried with
 * exponential backoff until the attempts are used up. Like BullMQ's job
 * schedulers, a repeating job has at most one run waiting at a time, so a slow
 * dependency never piles runs up. Nothing survives a restart.
 */
import { countJob, retryDelayMs, runAttempt } from './instrumented-run';
import { JOB_CLOSE_BUDGET_MS, type EnqueueOptions, type JobData, type JobQueue, type JobSpec, type QueueSnapshot } from './job-queue';

interface PendingRun {
  attempt: number;
  scheduled: boolean;
  data: JobData;
  jobId?: string;
}

class Lane {
  readonly waitingRuns: PendingRun[] = [];
  readonly delayedRuns = new Map<NodeJS.Timeout, PendingRun>();
  running: Promise<void> | undefined;
  private current: PendingRun | undefined;
  interval: NodeJS.Timeout | undefined;
  stopped = false;

  constructor(readonly spec: JobSpec) {}

  add(run: PendingRun): void {
    if (this.stopped) return;
    if (run.jobId !== undefined && this.has(run.jobId)) return;
    countJob(this.spec.queue, 'queued');
    this.waitingRuns.push(run);
    this.pump();
  }

  /** Whether a run with this id is waiting, running or waiting for its retry. */
  private has(jobId: string): boolean {
    return (
      this.current?.jobId === jobId ||
      this.waitingRuns.some((r) => r.jobId === jobId) ||
      [...this.delayedRuns.values()].some((r) => r.jobId === jobId)
    );
  }

  /** Adds the next scheduled run unless one is already waiting or retrying. */
  tick(): void {
    const pendingScheduled = this.waitingRuns.some((r) => r.scheduled) || [...this.delayedRuns.values()].some((r) => r.scheduled);
    if (!pendingScheduled) this.add({ attempt: 1, scheduled: true, data: {} });
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    const next = this.waitingRuns.shift();
    if (!next) return;
    this.current = next;
    this.running = this.execute(next).finally(() => {
      this.running = undefined;
      this.current = undefined;
      this.pump();
    });
  }

  private async execute(run: PendingRun): Promise<void> {
    try {
      await runAttempt(this.spec, run.attempt, this.spec.attempts, run.data);
    } catch {
      if (run.attempt >= this.spec.attempts || this.stopped) return;
      const retry: PendingRun = { ...run, attempt: run.attempt + 1 };
      const timer = setTimeout(
        () => {
          this.delayedRuns.delete(timer);
          if (this.stopped) return;
          this.waitingRuns.push(retry);
          this.pump();
        },
        retryDelayMs(this.spec.backoffMs, run.attempt),
      );
      timer.unref();
      this.delayedRuns.set(timer, retry);
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.interval);
    for (const timer of this.delayedRuns.keys()) clearTimeout(timer);
    this.delayedRuns.clear();
    this.waitingRuns.length = 0;
  }
}

export class InProcessJobQueue implements JobQueue {
  readonly backend = 'in-process' as const;
  private readonly lanes = new Map<string, Lane>();
  private started = false;

  get processing(): boolean {
    return this.started;
  }

  define(spec: JobSpec): void {
    if (this.started) throw new Error(`define(${spec.queue}) after start()`);
    if (this.lanes.has(spec.queue)) throw new Error(`job queue ${spec.queue} is defined twice`);
    this.lanes.set(spec.queue, new Lane(spec));
  }

  /** Without Redis nothing else can run the jobs, so this process always processes them. */
  async start(_options: { process: boolean }): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const lane of this.lanes.values()) {
      const every = lane.spec.everyMs;
      if (every === undefined) continue;
      lane.tick();
      lane.interval = setInterval(() => lane.tick(), every);
      lane.interval.unref();
    }
  }

  async enqueue(queue: string, options: EnqueueOptions = {}): Promise<void> {
    const lane = this.lanes.get(queue);
    if (!lane) throw new Error(`unknown job queue ${queue}`);
    lane.add({ attempt: 1, scheduled: false, data: options.data ?? {}, jobId: options.jobId });
  }

  async waiting(): Promise<Map<string, number>> {
    return new Map([...this.lanes].map(([name, lane]) => [name, lane.waitingRuns.length]));
  }

  async snapshot(): Promise<QueueSnapshot[]> {
    return [...this.lanes.values()].map((lane) => ({
      queue: lane.spec.queue,
      jobType: lane.spec.jobType,
      everyMs: lane.spec.everyMs ?? null,
      waiting: lane.waitingRuns.length,
      active: lane.running ? 1 : 0,
      delayed: lane.delayedRuns.size,
    }));
  }

  async close(timeoutMs = JOB_CLOSE_BUDGET_MS): Promise<void> {
    const running: Promise<void>[] = [];
    for (const lane of this.lanes.values()) {
      lane.stop();
      if (lane.running) running.push(lane.running);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
