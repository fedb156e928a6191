/**
 * Chooses the job queue backend: BullMQ when Redis is configured, the
 * in-process queue otherwise, and feeds the waiting-jobs gauge from it.
 */
import type { Config } from '../config';
import { setGaugeSource } from '../observability/metrics/catalog';
import type { RedisConnection } from '../redis/client';
import { BullmqJobQueue } from './bullmq-queue';
import { InProcessJobQueue } from './in-process-queue';
import type { JobQueue } from './job-queue';

/** BullMQ keys live under the run's Redis key prefix, so parallel runs and installs never collide. */
export function bullmqPrefix(config: Pick<Config, 'REDIS_KEY_PREFIX'>): string {
  return `${config.REDIS_KEY_PREFIX}bull`;
}

export function createJobQueue(config: Pick<Config, 'REDIS_KEY_PREFIX'>, redis: RedisConnection | undefined): JobQueue {
  const queue: JobQueue = redis ? new BullmqJobQueue(redis, bullmqPrefix(config)) : new InProcessJobQueue();
  setGaugeSource('medianest_background_jobs_waiting', () => queue.waiting());
  return queue;
}
