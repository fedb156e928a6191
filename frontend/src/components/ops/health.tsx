/** Health on the Ops page: dependency checks, circuit breakers and background job queues. */
import { useTranslation } from 'react-i18next';
import { field, isObject, num, objects, str, type JsonObject } from '../../api/read';
import { ServiceBadge } from '../badges';
import { EmptyState } from '../feedback';
import { formatMs } from '../format';
import { Table } from '../table';
import { Badge, stateLabel, stateTone } from './ops-parts';

export function Dependencies({ report }: { report: JsonObject }) {
  const { t } = useTranslation('ops');
  const checks = isObject(report.checks) ? Object.entries(report.checks).filter((e): e is [string, JsonObject] => isObject(e[1])) : [];
  return (
    <>
      {str(report.status) && (
        <p>
          {t('health.overall')} <Badge tone={stateTone(str(report.status))}>{stateLabel(str(report.status))}</Badge>
        </p>
      )}
      {checks.length === 0 ? (
        <EmptyState>{t('health.noChecks')}</EmptyState>
      ) : (
        <Table
          label={t('health.checks')}
          head={[t('col.dependency'), t('col.state'), t('col.latency'), t('col.critical'), t('col.error')]}
          rows={checks.map(([name, c]) => {
            const state = str(c.status);
            return [
              name,
              state === 'up' || state === 'down' || state === 'degraded' ? (
                <ServiceBadge status={state} />
              ) : (
                <Badge tone="muted">{stateLabel(state)}</Badge>
              ),
              formatMs(num(c.latencyMs)),
              c.critical === true ? t('yes') : t('no'),
              str(c.error) ?? '',
            ];
          })}
        />
      )}
    </>
  );
}

export function Breakers({ breakers }: { breakers: JsonObject[] }) {
  const { t } = useTranslation('ops');
  if (breakers.length === 0) return <EmptyState>{t('health.noBreakers')}</EmptyState>;
  return (
    <ul className="rows">
      {breakers.map((b, i) => (
        <li key={str(b.service) ?? i} className="row row-compact">
          <span className="row-main">{str(field(b, 'service', 'name')) ?? '—'}</span>
          <Badge tone={stateTone(str(b.state))}>{stateLabel(str(b.state) ?? 'unknown')}</Badge>
        </li>
      ))}
    </ul>
  );
}

export function Jobs({ jobs }: { jobs: JsonObject }) {
  const { t } = useTranslation('ops');
  const queues = objects(jobs, 'queues');
  return (
    <>
      <p className="muted">
        {jobs.processing === false
          ? t('health.backendWorker', { backend: str(jobs.backend) ?? t('state.unknown') })
          : t('health.backend', { backend: str(jobs.backend) ?? t('state.unknown') })}
      </p>
      {queues.length === 0 ? (
        <EmptyState>{t('health.noQueues')}</EmptyState>
      ) : (
        <Table
          label={t('health.queues')}
          head={[t('col.queue'), t('col.waiting'), t('col.active'), t('col.delayed'), t('col.every'), t('col.completed'), t('col.failed')]}
          rows={queues.map((q) => {
            const counts = isObject(q.counts) ? q.counts : {};
            const failed = num(counts.failed) ?? 0;
            return [
              str(q.queue) ?? '—',
              num(q.waiting) ?? '—',
              num(q.active) ?? '—',
              num(q.delayed) ?? '—',
              num(q.everyMs) !== undefined ? formatMs(num(q.everyMs)) : '—',
              num(counts.completed) ?? 0,
              failed > 0 ? <Badge tone="danger">{failed}</Badge> : failed,
            ];
          })}
        />
      )}
    </>
  );
}
