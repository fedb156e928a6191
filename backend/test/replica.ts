/**
 * A second MediaNest on the same database as a test app. With PostgreSQL and
 * Redis: a whole second container (own pool, own BullMQ workers on the shared
 * queues) behind its own listener. Embedded (one process by design): a second
 * notification planner with its own job queue on the same database, hearing
 * the same events, reached through the first app's webhook URL.
 */
import { buildApp } from '../src/app';
import { startBackgroundJobs } from '../src/background-jobs';
import { createContainer } from '../src/container';
import { createNotifications } from '../src/features/notifications/create-notifications';
import { InProcessJobQueue } from '../src/jobs/in-process-queue';
import { BreakerRegistry } from '../src/resilience/breakers';
import { testMode, type TestApp } from './context';
import { listen } from './fakes/upstreams';

export interface Replica {
  /** Where the fake Overseerr posts its webhook to reach this replica. */
  webhookUrl: string;
  /** Lets work already picked up finish. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startReplica(t: TestApp, primaryWebhookUrl: string): Promise<Replica> {
  const settle = () => new Promise<void>((r) => setTimeout(r, 500));
  if (testMode === 'services') {
    const second = await createContainer(t.config);
    await startBackgroundJobs(second, 'all');
    const listening = await listen(buildApp(second));
    return {
      webhookUrl: `${listening.url}/api/v1/webhooks/overseerr`,
      settle,
      async close() {
        await listening.close();
        await second.close();
      },
    };
  }
  const jobs = new InProcessJobQueue();
  const breakers = new BreakerRegistry();
  const notifications = createNotifications({ config: t.config, database: t.container.database, breakers, jobs });
  await startBackgroundJobs({ jobs, serviceStatus: t.container.serviceStatus, notifications }, 'all');
  const stop = notifications.planner.listen(t.container.events);
  return {
    webhookUrl: primaryWebhookUrl,
    settle,
    async close() {
      stop();
      await jobs.close();
      breakers.close();
    },
  };
}
