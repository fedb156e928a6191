/**
 * Circuit breakers for everything MediaNest depends on, with real recovery:
 * opening a breaker starts a procedure that actually repairs the connection,
 * not just a log line.
 *
 * - One opossum breaker per service: `plex-api`, `plex-tv`, `overseerr`
 *   (fed by every call of integrations/http-client.ts), one per notification
 *   channel kind (`notify-ntfy`, … `notify-email`; fed by deliveries only), one per push service for Web Push,
 *   and `redis`, `database`. Every other breaker also has a periodic probe that runs through it
 *   (`startProbe`, every HEALTH_PROBE_INTERVAL_MS): it feeds the breaker when
 *   nobody calls the service, and it is the trial call that closes an open
 *   breaker once the service is back — no member action (a sign-in, a search)
 *   is needed for recovery.
 * - A breaker opens on either of two signals: `consecutiveFailures` failed
 *   calls in a row (a hung service times out one call at a time; a
 *   percentage over a rolling window shorter than a few timeouts would never
 *   see enough finished failures), or more than `errorThresholdPercentage` %
 *   of at least `volumeThreshold` calls failing within the rolling window
 *   (intermittent failures mixed with successes).
 * - Every transition sets `medianest_circuit_breaker_state{service}`
 *   (0 closed, 1 open, 2 half-open) and writes one log line (warn on open,
 *   info on half-open and close) and no stack: a dependency's outage (an
 *   SMTP server down, Overseerr restarting) is not MediaNest's error. Closing
 *   is tracked as the `service_recovery` feature.
 * - Errors that mark themselves `neutralForBreaker` (an upstream 4xx: the
 *   caller's problem, not the upstream's health) never count as failures.
 *   An upstream 5xx answer that the client is about to retry
 *   (`answeredByService` with `retrying`) counts towards the percentage but
 *   not towards the failures in a row: one call that keeps failing (Seerr
 *   failing one title's TMDB lookup) is one failure in a row after its
 *   retries, not three, so it never pauses every member's calls; calls that
 *   fail one after another still open the breaker at once.
 * - Recovery procedures run when a breaker opens (and again each time a
 *   half-open trial fails); `installRecoveryProcedures` wires the real ones:
 *   Redis reconnects (the cache serves from memory meanwhile), the database
 *   pool is recreated, and the Plex server identity (`/identity`) is
 *   re-resolved, caches cleared when the server behind PLEX_URL changed.
 */
import CircuitBreaker from 'opossum';
import { analytics } from '../observability/metrics/analytics';
import { logger } from '../observability/logging/logger';
import { circuitBreakerState } from '../observability/metrics/catalog';
import { errorMessage } from '../errors';

/** One breaker per notification channel kind: an ntfy outage must not pause Discord deliveries. */
export type NotificationBreakerService =
  'notify-ntfy' | 'notify-discord' | 'notify-slack' | 'notify-webhook' | 'notify-email' | 'notify-webpush';
/**
 * Web Push has one breaker per push service (`notify-webpush:fcm.googleapis.com`,
 * `notify-webpush:*.push.apple.com`): browsers of one member failing at one push service must not
 * pause everyone's pushes. The suffix is the allow-list entry the endpoint matched
 * (integrations/outbound-policy.ts), so the set of breakers and metric labels stays bounded.
 */
export type PushServiceBreaker = `notify-webpush:${string}`;
export type BreakerService =
  'plex-api' | 'plex-tv' | 'overseerr' | 'oidc' | 'redis' | 'database' | NotificationBreakerService | PushServiceBreaker;
export type BreakerState = 'closed' | 'open' | 'half-open';

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

export interface BreakerSettings {
  /** Time an open breaker waits before letting one trial call through. */
  resetTimeoutMs: number;
  /** Failure percentage (of calls in the rolling window) above which the breaker opens. */
  errorThresholdPercentage: number;
  /** Calls needed in the rolling window before the breaker may open at all. */
  volumeThreshold: number;
  /** Length of the rolling statistics window. */
  rollingWindowMs: number;
  /** Failed calls in a row (successes reset the count) that open the breaker whatever the window says. */
  consecutiveFailures: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  resetTimeoutMs: 30_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  // Longer than several upstream timeouts, so slow failures still add up to a percentage.
  rollingWindowMs: 60_000,
  consecutiveFailures: 3,
};

/** Thrown instead of calling the service while its breaker is open (no network, immediate). */
export class BreakerOpenError extends Error {
  constructor(readonly service: BreakerService) {
    super(`circuit breaker for ${service} is open`);
    this.name = 'BreakerOpenError';
  }
}

/** An error that says "the request was wrong", not "the service is unhealthy". */
export interface NeutralForBreaker {
  readonly neutralForBreaker: true;
}

/** An error the service answered with (5xx); `retrying`: the same call is about to be tried again. */
export interface AnsweredByService {
  readonly answeredByService: true;
  retrying?: boolean;
}

function isRetriedAnswer(err: unknown): boolean {
  const e = err as Partial<AnsweredByService> | null;
  return typeof e === 'object' && e !== null && e.answeredByService === true && e.retrying === true;
}

export function isNeutralForBreaker(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Partial<NeutralForBreaker>).neutralForBreaker === true;
}

type Task = () => Promise<unknown>;
type TransitionListener = (state: BreakerState, previous: BreakerState) => void;

/** One service's breaker: `run` a call through it, read its state, hear its transitions. */
export class ServiceBreaker {
  private readonly breaker: CircuitBreaker<[Task], unknown>;
  private current: BreakerState = 'closed';
  private failuresInARow = 0;
  private readonly listeners: TransitionListener[] = [];

  constructor(
    readonly service: BreakerService,
    readonly settings: BreakerSettings,
  ) {
    this.breaker = new CircuitBreaker<[Task], unknown>((task: Task) => task(), {
      name: service,
      // Each call brings its own timeout (AbortSignal.timeout, ping timeouts); the breaker only counts.
      timeout: false,
      resetTimeout: settings.resetTimeoutMs,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: 10,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: isNeutralForBreaker,
    });
    this.breaker.on('open', () => this.transition('open'));
    this.breaker.on('halfOpen', () => this.transition('half-open'));
    this.breaker.on('close', () => this.transition('closed'));
    this.breaker.on('success', () => {
      this.failuresInARow = 0;
    });
    this.breaker.on('failure', (err: unknown) => {
      if (isRetriedAnswer(err)) return;
      this.failuresInARow++;
      // opossum only looks at the percentage; calls that time out one at a time never reach it.
      if (this.breaker.closed && this.failuresInARow >= settings.consecutiveFailures) this.breaker.open();
    });
    circuitBreakerState.set({ service }, BREAKER_STATE_VALUE.closed);
  }

  /** Runs `task` unless the breaker is open; then rejects at once with BreakerOpenError. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(task)) as T;
    } catch (err) {
      const code = (err as { code?: unknown } | undefined)?.code;
      if (code === 'EOPENBREAKER' || code === 'ESHUTDOWN') throw new BreakerOpenError(this.service);
      throw err;
    }
  }

  get state(): BreakerState {
    return this.current;
  }

  onTransition(listener: TransitionListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i !== -1) this.listeners.splice(i, 1);
    };
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private transition(next: BreakerState): void {
    const previous = this.current;
    this.current = next;
    circuitBreakerState.set({ service: this.service }, BREAKER_STATE_VALUE[next]);
    for (const listener of [...this.listeners]) listener(next, previous);
  }
}

export interface RecoveryProcedure {
  /** Runs when the breaker opens (again after each failed half-open trial). */
  onOpen?: () => Promise<void>;
  /** Runs when the breaker closes again (e.g. confirm the Plex server is still the same one). */
  onClose?: () => Promise<void>;
}

/** All breakers of one MediaNest process, their probes and their recovery procedures. */
export class BreakerRegistry {
  private readonly breakers = new Map<BreakerService, ServiceBreaker>();
  private readonly recoveries = new Map<BreakerService, RecoveryProcedure>();
  private readonly recovering = new Set<BreakerService>();
  private readonly probes: NodeJS.Timeout[] = [];
  private closed = false;

  private readonly settings: BreakerSettings;

  /** Unset settings take DEFAULT_BREAKER_SETTINGS. */
  constructor(settings: Partial<BreakerSettings> = {}) {
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...settings };
  }

  /** The breaker of `service`, created on first use (with `overrides` applied then). */
  get(service: BreakerService, overrides: Partial<BreakerSettings> = {}): ServiceBreaker {
    let breaker = this.breakers.get(service);
    if (!breaker) {
      breaker = new ServiceBreaker(service, { ...this.settings, ...overrides });
      breaker.onTransition((state, previous) => this.onTransition(service, state, previous));
      this.breakers.set(service, breaker);
    }
    return breaker;
  }

  /** The state of one breaker, without creating it (undefined while it does not exist yet). */
  stateOf(service: BreakerService): BreakerState | undefined {
    return this.breakers.get(service)?.state;
  }

  states(): Partial<Record<BreakerService, BreakerState>> {
    const out: Partial<Record<BreakerService, BreakerState>> = {};
    for (const [service, breaker] of this.breakers) out[service] = breaker.state;
    return out;
  }

  setRecovery(service: BreakerService, procedure: RecoveryProcedure): void {
    this.recoveries.set(service, procedure);
  }

  /**
   * Probes `check` through the breaker of `service` every `intervalMs`, so a
   * dependency nobody calls right now (Redis behind a cache that falls back
   * to memory, Overseerr at night) still opens its breaker when it goes away,
   * and closes it when it is back: while the breaker is open the probe is
   * rejected at once, and once it turns half-open the probe is the trial call.
   * With `onlyWhenTripped` the probe runs only while the breaker is not
   * closed (plex.tv: a public service we do not poll while all is well).
   */
  startProbe(service: BreakerService, check: () => Promise<void>, intervalMs: number, options: { onlyWhenTripped?: boolean } = {}): void {
    if (this.closed) return;
    const breaker = this.get(service, { volumeThreshold: 2, rollingWindowMs: Math.max(intervalMs * 3, 1000) });
    let running = false;
    const timer = setInterval(() => {
      if (running || (options.onlyWhenTripped && breaker.state === 'closed')) return;
      running = true;
      breaker
        .run(check)
        .catch(() => undefined) // the breaker counted it; transitions are logged there
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref();
    this.probes.push(timer);
  }

  /** Stops probes and breakers (container close). */
  close(): void {
    this.closed = true;
    for (const timer of this.probes) clearInterval(timer);
    this.probes.length = 0;
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  private onTransition(service: BreakerService, state: BreakerState, previous: BreakerState): void {
    if (this.closed) return;
    if (state === 'open') {
      logger().warn(
        { event: 'circuit_breaker.open', upstream: service, previous_state: previous },
        previous === 'half-open'
          ? `Circuit breaker for ${service} opened again: the trial call failed`
          : `Circuit breaker for ${service} opened: calls fail fast until it recovers`,
      );
      this.runRecovery(service, 'onOpen');
    } else if (state === 'half-open') {
      logger().info({ event: 'circuit_breaker.half_open', upstream: service }, `Circuit breaker for ${service} half-open: trying one call`);
    } else {
      logger().info(
        { event: 'circuit_breaker.close', upstream: service, previous_state: previous },
        `Circuit breaker for ${service} closed: service recovered`,
      );
      analytics.trackFeatureUsage('system', 'service_recovery', service);
      this.runRecovery(service, 'onClose');
    }
  }

  private runRecovery(service: BreakerService, phase: keyof RecoveryProcedure): void {
    const procedure = this.recoveries.get(service)?.[phase];
    if (!procedure || this.recovering.has(service)) return;
    this.recovering.add(service);
    logger().info({ event: 'recovery.start', upstream: service, phase }, `Attempting ${service} recovery`);
    procedure()
      .then(
        () => logger().info({ event: 'recovery.done', upstream: service, phase }, `${service} recovery procedure finished`),
        (err: unknown) =>
          logger().warn(
            { event: 'recovery.failed', upstream: service, phase, err: errorMessage(err) },
            `${service} recovery attempt failed; the breaker retries after its reset timeout`,
          ),
      )
      .finally(() => this.recovering.delete(service));
  }
}

/** What the recovery procedures act on (structural, so observability imports no features). */
export interface RecoveryTargets {
  /** The upstreams' probes (one answer from the service, outside its breaker). plex.tv is probed only while its breaker is tripped. */
  upstreams?: Partial<Record<'plex-api' | 'plex-tv' | 'overseerr', { probe(): Promise<void> }>>;
  redis?: { reconnect(): Promise<void>; ping(timeoutMs: number): Promise<void> };
  database: { recreatePool(): Promise<void>; ping(timeoutMs: number): Promise<void> };
  plex?: {
    /** Reads /identity straight from the server, bypassing the open breaker. */
    refreshIdentity(): Promise<unknown>;
    /** Calls `listener` whenever an identity read shows a different machineIdentifier than the last one. */
    onIdentityChange(listener: (previous: string, current: string) => void): void;
    /** Drops everything cached from the Plex server (libraries, items, recently added). */
    clearCaches(): Promise<void>;
  };
}

/**
 * Installs the real recovery procedures and starts the Redis and database
 * probes. Called once by the container; stopped by `registry.close()`.
 */
export function installRecoveryProcedures(registry: BreakerRegistry, targets: RecoveryTargets, probeIntervalMs: number): void {
  // A ping may take as long as the interval, up to 1 s, and never less than 500 ms: with a short interval
  // (100 ms in the fault tests) a PostgreSQL connection set up on a busy host took longer than that and
  // opened the database breaker of a healthy database. A hung one still opens it within ~1.5 s.
  const probeTimeoutMs = Math.min(1000, Math.max(500, probeIntervalMs));
  const { redis, database, plex, upstreams = {} } = targets;
  for (const service of ['plex-api', 'overseerr', 'plex-tv'] as const) {
    const upstream = upstreams[service];
    if (upstream) registry.startProbe(service, () => upstream.probe(), probeIntervalMs, { onlyWhenTripped: service === 'plex-tv' });
  }
  if (redis) {
    registry.setRecovery('redis', {
      // A fresh connection instead of waiting on a socket that may be half-dead; meanwhile the cache serves from memory.
      onOpen: () => redis.reconnect(),
    });
    registry.startProbe('redis', () => redis.ping(probeTimeoutMs), probeIntervalMs);
  }
  registry.setRecovery('database', { onOpen: () => database.recreatePool() });
  registry.startProbe('database', () => database.ping(probeTimeoutMs), probeIntervalMs);

  if (plex) {
    plex.onIdentityChange((previous, current) => {
      logger().warn(
        { event: 'plex.server.changed', previous_machine_identifier: previous, machine_identifier: current },
        'The Plex server behind PLEX_URL changed; clearing the Plex caches',
      );
      plex
        .clearCaches()
        .catch((err: unknown) =>
          logger().warn({ event: 'plex.cache.clear_failed', err: errorMessage(err) }, 'Could not clear the Plex caches'),
        );
    });
    // Re-resolve the server when Plex stops answering (it may be a reinstalled or replaced server)
    // and once more when it answers again; a changed machineIdentifier clears the caches above.
    const reresolve = async () => {
      await plex.refreshIdentity();
    };
    registry.setRecovery('plex-api', { onOpen: reresolve, onClose: reresolve });
  }
}
