/**
 * GET /api/v1/admin/observability (admins): the admin Ops page's data, from
 * this process alone so it works with no Prometheus, Loki or Jaeger running:
 * request rate, 5xx share and p95 latency over 5 and 60 minutes, dependency
 * health and circuit breaker states, job queues, Web Vitals p75 per route,
 * the latest alerts from Alertmanager (firing first) and the latest error log
 * lines with their trace ids.
 */
import { breakerStates as BREAKER_STATES, jobStatuses as JOB_STATUSES, type BreakerState, type JobCounts } from '@medianest/contracts';
import { Router } from 'express';
import type { ApiRes } from '../../http/api-response';
import type { JobQueue } from '../../jobs/job-queue';
import type { HealthService } from '../../observability/health/health';
import { backgroundJobsTotal, circuitBreakerState } from '../../observability/metrics/catalog';
import { httpOpsWindow } from '../../observability/metrics/ops-window';
import { recentErrors } from '../../observability/logging/recent-errors';
import { webVitalsP75 } from '../browser-metrics/browser-metrics.routes';
import { requireAdmin } from '../auth/middleware';
import { toPublicAlert, type AlertsRepository } from '../alerts/alerts.repository';


export interface OpsDeps {
  health: HealthService;
  jobs: JobQueue;
  alerts: AlertsRepository;
  version: string;
}

async function breakerStates(): Promise<{ service: string; state: BreakerState | 'unknown' }[]> {
  const { values } = await circuitBreakerState.get();
  return values
    .map((v) => ({ service: String(v.labels.service), state: BREAKER_STATES[v.value] ?? ('unknown' as const) }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** Jobs this process has counted since it started, per queue and status. */
async function jobCounts(): Promise<Map<string, JobCounts>> {
  const { values } = await backgroundJobsTotal.get();
  const byQueue = new Map<string, JobCounts>();
  for (const v of values) {
    const queue = String(v.labels.queue);
    const status = String(v.labels.status) as keyof JobCounts;
    if (!JOB_STATUSES.includes(status)) continue;
    let counts = byQueue.get(queue);
    if (!counts) byQueue.set(queue, (counts = { queued: 0, active: 0, completed: 0, failed: 0 }));
    counts[status] += v.value;
  }
  return byQueue;
}

export function opsRouter(deps: OpsDeps): Router {
  const router = Router();
  router.get('/', requireAdmin, async (_req, res: ApiRes<'GET /api/v1/admin/observability'>) => {
    const [dependencies, breakers, queues, counts, alerts] = await Promise.all([
      deps.health.readiness(),
      breakerStates(),
      deps.jobs.snapshot(),
      jobCounts(),
      deps.alerts.latest(50),
    ]);
    const none: JobCounts = { queued: 0, active: 0, completed: 0, failed: 0 };
    res.json({
      generatedAt: new Date().toISOString(),
      version: deps.version,
      uptimeSeconds: Math.round(process.uptime()),
      http: { last5m: httpOpsWindow.summary(5), last60m: httpOpsWindow.summary(60) },
      dependencies,
      breakers,
      jobs: {
        backend: deps.jobs.backend,
        processing: deps.jobs.processing,
        queues: queues.map((q) => ({ ...q, counts: counts.get(q.queue) ?? none })),
      },
      webVitals: webVitalsP75(),
      alerts: alerts.map(toPublicAlert),
      recentErrors: recentErrors(),
    });
  });
  return router;
}
