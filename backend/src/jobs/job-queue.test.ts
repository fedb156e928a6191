import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../observability/metrics/catalog';
import { createTestApp, testMode, type TestApp } from '../../test/context';
import { registrySum } from '../../test/metrics-helpers';
import { waitFor } from '../../test/tcp-proxy';
import { createJobQueue } from './create-job-queue';
import type { JobQueue, JobSpec } from './job-queue';

let t: TestApp;
const opened: JobQueue[] = [];
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await Promise.all(opened.map((q) => q.close(1_000)));
  await t.cleanup();
});

/** A fresh queue on this mode's backend: BullMQ on the run's Redis prefix in `services`, in-process in `embedded`. */
function newQueue(): JobQueue {
  const q = createJobQueue(t.config, t.container.redis);
  opened.push(q);
  return q;
}

const uniqueName = (what: string) => `test-${what}-${randomBytes(3).toString('hex')}`;
const jobs = (queue: string, status: string) => registrySum('medianest_background_jobs_total', { queue, status });
const durations = (queue: string) =>
  registrySum('medianest_background_job_duration_seconds', { queue }, 'medianest_background_job_duration_seconds_count');

function spec(queue: string, run: JobSpec['run'], overrides: Partial<JobSpec> = {}): JobSpec {
  return { queue, jobType: 'test-job', attempts: 3, backoffMs: 20, run, ...overrides };
}

async function idle(q: JobQueue, queue: string): Promise<boolean> {
  const s = (await q.snapshot()).find((x) => x.queue === queue);
  return s?.waiting === 0 && s.active === 0 && s.delayed === 0;
}

describe(`job queue (${testMode}: ${testMode === 'services' ? 'BullMQ' : 'in-process'})`, () => {
  it('uses BullMQ with Redis and the in-process queue without', () => {
    expect(newQueue().backend).toBe(testMode === 'services' ? 'bullmq' : 'in-process');
  });

  it('counts a job queued, active and completed, and times it', async () => {
    const q = newQueue();
    const name = uniqueName('ok');
    let runs = 0;
    q.define(spec(name, async () => void runs++));
    await q.start({ process: true });
    await q.enqueue(name);
    await waitFor(async () => (await jobs(name, 'completed')) === 1, 15_000);
    expect(runs).toBe(1);
    expect(await jobs(name, 'queued')).toBe(1);
    expect(await jobs(name, 'active')).toBe(1);
    expect(await jobs(name, 'failed')).toBe(0);
    expect(await durations(name)).toBe(1);
  });

  it('hands each run its data and attempt number, and adds a job id only once while it is known', async () => {
    const q = newQueue();
    const name = uniqueName('data');
    const seen: string[] = [];
    q.define(
      spec(
        name,
        async (data, attempt) => {
          seen.push(`${String(data.deliveryId)}@${attempt.attempt}/${attempt.maxAttempts}`);
          if (data.deliveryId === 2 && attempt.attempt === 1) throw new Error('first attempt fails');
        },
        { attempts: 2, backoffMs: 50 },
      ),
    );
    await q.start({ process: true });
    await q.enqueue(name, { data: { deliveryId: 1 }, jobId: 'delivery-1' });
    await q.enqueue(name, { data: { deliveryId: 2 }, jobId: 'delivery-2' });
    await q.enqueue(name, { data: { deliveryId: 2 }, jobId: 'delivery-2' }); // already queued: ignored
    await waitFor(async () => (await jobs(name, 'completed')) === 2, 15_000);
    await waitFor(() => idle(q, name), 5_000);
    expect(seen.sort()).toEqual(['1@1/2', '2@1/2', '2@2/2']);
    expect(await jobs(name, 'failed')).toBe(0);
  });

  it('retries with backoff and counts failed once when every attempt fails — it does not loop', async () => {
    const q = newQueue();
    const name = uniqueName('fail');
    const attemptsAt: number[] = [];
    q.define(
      spec(
        name,
        async () => {
          attemptsAt.push(Date.now());
          throw new Error('upstream said no');
        },
        { attempts: 3, backoffMs: 100 },
      ),
    );
    await q.start({ process: true });
    await q.enqueue(name);
    await waitFor(async () => (await jobs(name, 'failed')) === 1, 15_000);
    // Nothing is left waiting, running or scheduled for a retry: the job has ended.
    await waitFor(() => idle(q, name), 5_000);
    expect(attemptsAt).toHaveLength(3);
    expect(await jobs(name, 'active')).toBe(3);
    expect(await jobs(name, 'failed')).toBe(1);
    expect(await jobs(name, 'completed')).toBe(0);
    expect(await jobs(name, 'queued')).toBe(1);
    expect(await durations(name)).toBe(3);
    // Exponential backoff: the second wait is about twice the first (100 ms, then 200 ms).
    expect(attemptsAt[1]! - attemptsAt[0]!).toBeGreaterThanOrEqual(90);
    expect(attemptsAt[2]! - attemptsAt[1]!).toBeGreaterThanOrEqual(190);
  });

  it('completes a job that succeeds on a retry without counting it failed', async () => {
    const q = newQueue();
    const name = uniqueName('flaky');
    let runs = 0;
    q.define(
      spec(name, async () => {
        runs++;
        if (runs === 1) throw new Error('first try fails');
      }),
    );
    await q.start({ process: true });
    await q.enqueue(name);
    await waitFor(async () => (await jobs(name, 'completed')) === 1, 15_000);
    expect(runs).toBe(2);
    expect(await jobs(name, 'active')).toBe(2);
    expect(await jobs(name, 'failed')).toBe(0);
  });

  it('runs a repeating job on its schedule, first at start', async () => {
    const q = newQueue();
    const name = uniqueName('every');
    let runs = 0;
    q.define(spec(name, async () => void runs++, { everyMs: 300 }));
    await q.start({ process: true });
    await waitFor(() => runs >= 1, 5_000);
    await waitFor(() => runs >= 3, 10_000);
    expect(await jobs(name, 'completed')).toBeGreaterThanOrEqual(3);
    expect(await jobs(name, 'queued')).toBeGreaterThanOrEqual(3);
  });

  it('runs one job at a time per queue and reports the others as waiting', async () => {
    const q = newQueue();
    const name = uniqueName('depth');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    q.define(
      spec(name, async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate;
        running--;
        runs++;
      }),
    );
    await q.start({ process: true });
    for (let i = 0; i < 4; i++) await q.enqueue(name);
    await waitFor(() => running === 1, 10_000);
    // medianest_background_jobs_waiting is read from the queue at scrape time.
    const waitingGauge = async () => {
      const m = await register.getSingleMetric('medianest_background_jobs_waiting')!.get();
      return m.values.find((v) => v.labels.queue === name)?.value;
    };
    await waitFor(async () => (await waitingGauge()) === 3, 10_000);
    release();
    await waitFor(() => runs === 4, 10_000);
    expect(maxRunning).toBe(1);
    await waitFor(async () => (await waitingGauge()) === 0, 5_000);
  });

  it('lets a running job finish on close and starts nothing afterwards', async () => {
    const q = newQueue();
    const name = uniqueName('close');
    let finished = 0;
    let started = 0;
    q.define(
      spec(
        name,
        async () => {
          started++;
          await new Promise((r) => setTimeout(r, 300));
          finished++;
        },
        { everyMs: 100 },
      ),
    );
    await q.start({ process: true });
    await waitFor(() => started === 1, 10_000);
    await q.close(5_000);
    expect(finished).toBe(started);
    const after = started;
    // The schedule is stopped: a few more intervals pass without a run.
    await new Promise((r) => setTimeout(r, 400));
    expect(started).toBe(after);
  });
});
