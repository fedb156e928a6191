/** Health on the Ops page: dependency checks, circuit breakers and background job queues. */
import { field, isObject, num, objects, str, type JsonObject } from '../../api/read';
import { ServiceBadge } from '../badges';
import { EmptyState } from '../feedback';
import { formatMs } from '../format';
import { Table } from '../table';
import { Badge, stateTone } from './ops-parts';

export function Dependencies({ report }: { report: JsonObject }) {
  const checks = isObject(report.checks) ? Object.entries(report.checks).filter((e): e is [string, JsonObject] => isObject(e[1])) : [];
  return (
    <>
      {str(report.status) && (
        <p>
          Overall: <Badge tone={stateTone(str(report.status))}>{str(report.status)}</Badge>
        </p>
      )}
      {checks.length === 0 ? (
        <EmptyState>No dependency checks.</EmptyState>
      ) : (
        <Table
          label="Dependency checks"
          head={['Dependency', 'State', 'Latency', 'Critical', 'Error']}
          rows={checks.map(([name, c]) => {
            const state = str(c.status);
            return [
              name,
              state === 'up' || state === 'down' || state === 'degraded' ? (
                <ServiceBadge status={state} />
              ) : (
                <Badge tone="muted">{state ?? '—'}</Badge>
              ),
              formatMs(num(c.latencyMs)),
              c.critical === true ? 'yes' : 'no',
              str(c.error) ?? '',
            ];
          })}
        />
      )}
    </>
  );
}

export function Breakers({ breakers }: { breakers: JsonObject[] }) {
  if (breakers.length === 0) return <EmptyState>No circuit breakers have been used yet.</EmptyState>;
  return (
    <ul className="rows">
      {breakers.map((b, i) => (
        <li key={str(b.service) ?? i} className="row row-compact">
          <span className="row-main">{str(field(b, 'service', 'name')) ?? '—'}</span>
          <Badge tone={stateTone(str(b.state))}>{str(b.state) ?? 'unknown'}</Badge>
        </li>
      ))}
    </ul>
  );
}

export function Jobs({ jobs }: { jobs: JsonObject }) {
  const queues = objects(jobs, 'queues');
  return (
    <>
      <p className="muted">
        Queue backend: {str(jobs.backend) ?? 'unknown'}
        {jobs.processing === false ? ' (jobs run in a separate worker process)' : ''}.
      </p>
      {queues.length === 0 ? (
        <EmptyState>No job queues.</EmptyState>
      ) : (
        <Table
          label="Job queues"
          head={['Queue', 'Waiting', 'Active', 'Delayed', 'Every', 'Completed', 'Failed']}
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
