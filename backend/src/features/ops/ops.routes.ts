/**
 * GET /api/v1/admin/observability (admins): the admin Ops page's data, with
 * no Prometheus, Loki or Jaeger running: request rate, 5xx share and p95
 * latency over 5 and 60 minutes plus one point per minute of the last hour,
 * dependency health and circuit breaker states, job queues, Web Vitals p75 per
 * route, the latest alerts from Alertmanager (firing first) and the latest
 * error log lines with their trace ids, and notification deliveries per
 * channel with the latest failures (from the database), and the newest backup's size and age. With Redis the traffic, breakers and
 * job runs are the cluster's: every process's published figures added up,
 * with a per-instance breakdown (cluster-ops.ts); queue depths come from
 * BullMQ in Redis. Without Redis, or while it cannot answer, they are this
 * process's alone (`scope: "process"`).
 */
import type { BackupsSummary, DeliverySummary, JobCounts, OverseerrServerInfo } from '@medianest/contracts';
import { Router } from 'express';
import { adminOnly } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import type { JobQueue } from '../../jobs/job-queue';
import type { HealthService } from '../../observability/health/health';
import { mergeMinutes, perMinute, summarize } from '../../observability/metrics/ops-window';
import { recentErrors } from '../../observability/logging/recent-errors';
import { webVitalsP75 } from '../browser-metrics/browser-metrics.service';
import { toPublicAlert, type AlertsRepository } from '../alerts/alerts.repository';
import { emptyJobCounts, JOB_STATUSES, LIVE_WITHIN_MS, type ClusterOps, type InstanceSnapshot } from './cluster-ops';

export interface OpsDeps {
  health: HealthService;
  jobs: JobQueue;
  alerts: AlertsRepository;
  ops: ClusterOps;
  /** The notifications feature's delivery figures. */
  notifications: { deliverySummary(): Promise<DeliverySummary> };
  /** The database's backups (features/backups). */
  backups: { summary(): BackupsSummary };
  version: string;
  /** Which Overseerr this process talks to (absent when none is configured). */
  overseerr?: { current(): OverseerrServerInfo | null };
}

function sumJobs(instances: InstanceSnapshot[]): Map<string, JobCounts> {
  const byQueue = new Map<string, JobCounts>();
  for (const i of instances) {
    for (const [queue, counts] of Object.entries(i.jobs)) {
      let sum = byQueue.get(queue);
      if (!sum) byQueue.set(queue, (sum = emptyJobCounts()));
      for (const status of JOB_STATUSES) sum[status] += Number(counts[status]) || 0;
    }
  }
  return byQueue;
}

export function opsRouter(deps: OpsDeps): Router {
  const router = Router();
  router.get(
    '/',
    adminOnly(async (_req, res: ApiRes<'GET /api/v1/admin/observability'>) => {
      const [dependencies, queues, cluster, alerts, notifications] = await Promise.all([
        deps.health.readiness(),
        deps.jobs.snapshot(),
        deps.ops.cluster(),
        deps.alerts.latest(50),
        deps.notifications.deliverySummary(),
      ]);
      const self = cluster?.find((i) => i.instance === deps.ops.self.instance) ?? (await deps.ops.local());
      const instances = cluster ?? [self];
      const now = Date.now();
      const minutes = mergeMinutes(instances.map((i) => i.minutes));
      const startedAt = Math.min(...instances.map((i) => i.startedAt));
      const counts = sumJobs(instances);
      res.json({
        generatedAt: new Date(now).toISOString(),
        version: deps.version,
        uptimeSeconds: Math.round(process.uptime()),
        scope: cluster ? 'cluster' : 'process',
        instance: deps.ops.self.instance,
        http: {
          last5m: summarize(minutes, 5, now, startedAt),
          last60m: summarize(minutes, 60, now, startedAt),
          series: perMinute(minutes, now),
        },
        instances: instances.map((i) => ({
          instance: i.instance,
          role: i.role,
          version: i.version,
          live: !i.stopped && now - i.publishedAt <= LIVE_WITHIN_MS,
          lastSeen: new Date(i.publishedAt).toISOString(),
          uptimeSeconds: Math.round((i.publishedAt - i.startedAt) / 1000),
          http: { last5m: summarize(i.minutes, 5, now, i.startedAt), last60m: summarize(i.minutes, 60, now, i.startedAt) },
          breakers: i.breakers,
        })),
        dependencies,
        breakers: self.breakers,
        jobs: {
          backend: deps.jobs.backend,
          processing: deps.jobs.processing,
          queues: queues.map((q) => ({ ...q, counts: counts.get(q.queue) ?? emptyJobCounts() })),
        },
        webVitals: webVitalsP75(),
        alerts: alerts.map(toPublicAlert),
        recentErrors: recentErrors(),
        notifications,
        backups: deps.backups.summary(),
        overseerr: deps.overseerr?.current() ?? null,
      });
    }),
  );
  return router;
}
