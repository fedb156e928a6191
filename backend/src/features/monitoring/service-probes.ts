/**
 * What the service-health job probes and how an answer becomes a status:
 * - `up`: answered successfully within SLOW_AFTER_MS;
 * - `degraded`: answered, but slowly, or with a 4xx (reachable but refusing:
 *   a wrong token, a moved path);
 * - `down`: no answer within PROBE_TIMEOUT_MS, connection refused, or a 5xx.
 * Plex is probed with its identity call and Overseerr with its status call
 * (their clients, with breaker and metrics); admin-configured URLs with a
 * plain GET whose body is discarded.
 */
import { AppError } from '../../errors';
import type { CallStatus } from '../../integrations/http-client';
import type { ServiceStatus } from '../../db/schema';
import { externalApiDuration } from '../../observability/metrics/catalog';
import { monitoredServiceKey, type MonitoredService } from './monitored-services.repository';

export const SLOW_AFTER_MS = 2_000;
export const PROBE_TIMEOUT_MS = 10_000;

/** The Plex client's identity call (integrations/plex). */
export interface PlexIdentityProbe {
  identity(): Promise<{ machineIdentifier: string; version: string }>;
}

/** The Overseerr client's status call (integrations/overseerr). */
export interface OverseerrStatusProbe {
  status(): Promise<{ version: string }>;
}

export interface ProbeTarget {
  /** Stable key of the service's history: `plex`, `overseerr`, `monitored:<id>`. */
  key: string;
  name: string;
  /** Resolves when the service answered well; rejects otherwise. */
  probe(signal: AbortSignal): Promise<void>;
}

export interface ProbeResult {
  service: string;
  status: ServiceStatus;
  responseTimeMs: number | null;
  error: string | null;
  checkedAt: Date;
}

/** The service answered, but not with a success (e.g. HTTP 4xx): counted as degraded, not down. */
export class AnsweredWithError extends Error {
  constructor(readonly statusCode: number) {
    super(`answered HTTP ${statusCode}`);
    this.name = 'AnsweredWithError';
  }
}

/** Did this error come with an answer from the service (as opposed to no answer at all)? */
function wasAnswered(err: unknown): boolean {
  if (err instanceof AnsweredWithError) return err.statusCode < 500;
  // The shared HTTP client marks upstream 4xx answers as not the upstream's health problem.
  if (typeof err === 'object' && err !== null && (err as { neutralForBreaker?: unknown }).neutralForBreaker === true) return true;
  return false;
}

function describe(err: unknown): string {
  if (err instanceof AppError) return err.message;
  if (err instanceof Error) return isTimeout(err) ? `no answer within ${PROBE_TIMEOUT_MS} ms` : err.message;
  return String(err);
}

export async function runProbe(target: ProbeTarget, now: () => Date = () => new Date()): Promise<ProbeResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`);
      err.name = 'TimeoutError';
      controller.abort(err);
      reject(err);
    }, PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([target.probe(controller.signal), timeout]);
    const ms = Math.round(performance.now() - started);
    return {
      service: target.key,
      status: ms > SLOW_AFTER_MS ? 'degraded' : 'up',
      responseTimeMs: ms,
      error: ms > SLOW_AFTER_MS ? `slow answer (${ms} ms)` : null,
      checkedAt: now(),
    };
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    const answered = wasAnswered(err);
    return {
      service: target.key,
      status: answered ? 'degraded' : 'down',
      responseTimeMs: answered ? ms : null,
      error: describe(err).slice(0, 300),
      checkedAt: now(),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * fetch() refuses URLs with credentials: they move into a Basic Authorization
 * header (which also keeps them out of span attributes and logs).
 */
function splitCredentials(raw: string): { url: string; headers: Record<string, string> } {
  const url = new URL(raw);
  if (!url.username && !url.password) return { url: url.toString(), headers: {} };
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  return { url: url.toString(), headers: { authorization: `Basic ${basic}` } };
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/**
 * GET an admin-configured URL: 2xx/3xx is success, anything else an
 * AnsweredWithError. Plain global fetch with the probe's abort signal, not the
 * integrations' HttpClient: that client is one per upstream service with its
 * own circuit breaker, and a health probe must see every failure rather than
 * an open breaker. The call is measured in the same histogram, with the same
 * status vocabulary, as the integrations' calls.
 */
export async function probeUrl(raw: string, signal: AbortSignal): Promise<void> {
  const { url, headers } = splitCredentials(raw);
  const end = externalApiDuration.startTimer({ service: 'monitored', operation: 'probe' });
  let res: Response;
  try {
    res = await fetch(url, { method: 'GET', headers: { ...headers, 'user-agent': 'MediaNest-ServiceCheck' }, redirect: 'manual', signal });
  } catch (err) {
    end({ status: (isTimeout(err) || signal.aborted ? 'timeout' : 'network_error') satisfies CallStatus });
    throw err;
  }
  // A redirect is a healthy answer for a probe (a login page moving the user on), so it counts as success here.
  const status: CallStatus = res.status < 400 ? 'success' : res.status < 500 ? 'client_error' : 'server_error';
  end({ status });
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 400) throw new AnsweredWithError(res.status);
}

export interface ProbeSources {
  plex?: PlexIdentityProbe;
  overseerr?: OverseerrStatusProbe;
}

/** Everything the service-health job checks: Plex and Overseerr when configured, and each enabled extra URL. */
export function probeTargets(sources: ProbeSources, monitored: MonitoredService[]): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  const plex = sources.plex;
  if (plex) targets.push({ key: 'plex', name: 'Plex', probe: async () => void (await plex.identity()) });
  const overseerr = sources.overseerr;
  if (overseerr) targets.push({ key: 'overseerr', name: 'Overseerr', probe: async () => void (await overseerr.status()) });
  for (const m of monitored) {
    targets.push({ key: monitoredServiceKey(m.id), name: m.name, probe: (signal) => probeUrl(m.url, signal) });
  }
  return targets;
}
