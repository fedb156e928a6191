/**
 * What MediaNest adds under a member's problem report, so the owner reading
 * it in Overseerr can start from facts: which season or episode, how Plex and
 * Overseerr looked at that moment, and the member's latest failed calls with
 * the trace and request ids to open in Grafana / Jaeger.
 *
 * The diagnostics come first and the member's words after them, under their
 * own heading: the first block is always MediaNest's. A line of the member's
 * text that looks like part of a diagnostics block (a `-- … --` marker,
 * "Reported through MediaNest", or one of the block's labels) is quoted with
 * "> ", so a member cannot forge a block "by admin" that reads as the real one.
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

/** Lines a diagnostics block is made of; member text that starts like one is quoted. */
const LOOKS_LIKE_DIAGNOSTICS = /^\s*(?:[-\u2010-\u2015\u2212]{2}|affects:|status:|their latest failed calls)|reported through medianest/i;

/** The member's text with every line a diagnostics block could start with quoted, and odd line breaks made plain. */
export function memberText(message: string): string {
  return message
    .trim()
    .split(/\r\n|[\r\n\u2028\u2029\u0085\v\f]/)
    .map((line) => (LOOKS_LIKE_DIAGNOSTICS.test(line) ? `> ${line}` : line))
    .join('\n');
}

/** A username on one line, without control characters. */
function oneLine(name: string): string {
  return name.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
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
  const reporter = oneLine(input.reporter);
  return [
    `-- Reported through MediaNest by ${reporter} --`,
    ...(where ? [`Affects: ${where}`] : []),
    `Status: ${services.length ? services.map(serviceLine).join('; ') : 'no services monitored'}`,
    input.failures.length
      ? `Their latest failed calls (newest first):\n${input.failures.map(failureLine).join('\n')}`
      : 'Their latest failed calls: none in the last 24 hours',
    '',
    `-- ${reporter} wrote --`,
    memberText(input.message),
  ].join('\n');
}
