/**
 * What MediaNest adds under a member's problem report, so the owner reading
 * it in Overseerr can start from facts: which season or episode, how Plex and
 * Overseerr looked at that moment, and the member's latest failed calls with
 * the trace and request ids to open in Grafana / Jaeger.
 */
import type { RecentFailure } from '../../observability/recent-failures';
import type { ServiceStatusEntry } from '@medianest/contracts';

function serviceLine(s: ServiceStatusEntry): string {
  if (s.status === 'unknown') return `${s.name}: not checked yet`;
  const time = s.responseTimeMs !== null ? `, ${s.responseTimeMs} ms` : '';
  const checked = s.lastCheckedAt ? `, checked ${s.lastCheckedAt}` : '';
  return `${s.name}: ${s.status}${time}${checked}`;
}

function failureLine(f: RecentFailure): string {
  const trace = f.traceId ? `trace ${f.traceId}, ` : '';
  return `- ${f.at} ${f.method} ${f.route} → ${f.status} (${trace}request ${f.requestId})`;
}

export function problemMessage(input: {
  message: string;
  reporter: string;
  season?: number;
  episode?: number;
  services: ServiceStatusEntry[];
  failures: RecentFailure[];
}): string {
  const where =
    input.season !== undefined ? `Season ${input.season}${input.episode !== undefined ? `, episode ${input.episode}` : ''}` : undefined;
  const services = input.services.filter((s) => s.kind !== 'monitored');
  return [
    input.message.trim(),
    '',
    `-- Reported through MediaNest by ${input.reporter} --`,
    ...(where ? [`Affects: ${where}`] : []),
    `Status: ${services.length ? services.map(serviceLine).join('; ') : 'no services monitored'}`,
    input.failures.length
      ? `Their latest failed calls (newest first):\n${input.failures.map(failureLine).join('\n')}`
      : 'Their latest failed calls: none in the last 24 hours',
  ].join('\n');
}
