/**
 * Measurement of background jobs by construction: both queue backends run
 * every attempt through `runAttempt`, so each job is counted in
 * medianest_background_jobs_total{queue,status} — `queued` once when it is
 * put on the queue, `active` per attempt, then `completed` or (after its last
 * attempt only) `failed` — and timed in medianest_background_job_duration_seconds.
 */
import { backgroundJobDuration, backgroundJobsTotal } from '../observability/metrics/catalog';
import { logger } from '../observability/logging/logger';
import type { JobData, JobSpec } from './job-queue';
import { errorMessage } from '../errors';

export type JobStatus = 'queued' | 'active' | 'completed' | 'failed';

export function countJob(queue: string, status: JobStatus): void {
  backgroundJobsTotal.inc({ queue, status });
}

/**
 * Runs one attempt (1-based) of a job. Rethrows the job's error so the queue
 * can schedule the retry; the final failure is counted and logged at error level.
 */
export async function runAttempt(spec: JobSpec, attempt: number, maxAttempts: number, data: JobData = {}): Promise<void> {
  countJob(spec.queue, 'active');
  const endTimer = backgroundJobDuration.startTimer({ queue: spec.queue, job_type: spec.jobType });
  const started = performance.now();
  try {
    await spec.run(data, { attempt, maxAttempts });
    endTimer();
    countJob(spec.queue, 'completed');
    logger().debug(
      { event: 'job.completed', queue: spec.queue, job_type: spec.jobType, attempt, duration_ms: Math.round(performance.now() - started) },
      'Background job completed',
    );
  } catch (err) {
    endTimer();
    const fields = { queue: spec.queue, job_type: spec.jobType, attempt, max_attempts: maxAttempts, err: errorMessage(err) };
    if (attempt >= maxAttempts) {
      countJob(spec.queue, 'failed');
      logger().error({ event: 'job.failed', ...fields }, `Background job ${spec.queue} failed after ${attempt} attempts`);
    } else {
      logger().warn({ event: 'job.retry', ...fields }, `Background job ${spec.queue} failed; it will be retried`);
    }
    throw err;
  }
}

/** The wait before retry number `retry` (1-based): backoff, then doubled each time. */
export function retryDelayMs(backoffMs: number, retry: number): number {
  return backoffMs * 2 ** (retry - 1);
}
