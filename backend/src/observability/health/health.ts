/**
 * Liveness and readiness. Readiness runs every registered dependency check
 * with a timeout: a critical dependency (the database) that does not answer
 * makes MediaNest unavailable (503); any other that does not answer makes it
 * degraded (200, it still serves). A dependency that answers but reports a
 * fault of its own (the database cannot store changes) is `degraded` with the
 * reason. Results also feed medianest_dependency_up.
 */
import { dependencyUp } from '../metrics/catalog';
import type { ReadinessReport } from '@medianest/contracts';
import { errorMessage } from '../../errors';

export interface DependencyCheck {
  name: string;
  /** A critical dependency being down makes readiness fail (503). */
  critical: boolean;
  /**
   * Resolves when healthy, rejects with the reason otherwise. Resolves with `{ degraded }` when it
   * answers but cannot do all of its job (it still serves, so readiness is degraded, not failed).
   */
  check(timeoutMs: number): Promise<void | { degraded: string }>;
}

export class HealthService {
  private readonly checks: DependencyCheck[] = [];
  private readonly notConfigured = new Set<string>();
  private last: ReadinessReport | undefined;

  constructor(
    private readonly version: string,
    private readonly timeoutMs = 1000,
  ) {}

  register(check: DependencyCheck): void {
    this.checks.push(check);
  }

  /** Lists a dependency the operator did not configure (shown, never failing). */
  registerNotConfigured(name: string): void {
    this.notConfigured.add(name);
  }

  private draining = false;

  /** From now on readiness answers `draining` (503), whatever the dependencies say. */
  drain(): void {
    this.draining = true;
  }

  lastReport(): ReadinessReport | undefined {
    return this.last;
  }

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        const start = performance.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          const answer = await Promise.race([
            c.check(this.timeoutMs),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
            }),
          ]);
          const latencyMs = Math.round(performance.now() - start);
          if (answer && typeof answer === 'object' && 'degraded' in answer) {
            return { c, status: 'degraded' as const, latencyMs, error: String(answer.degraded) };
          }
          return { c, status: 'up' as const, latencyMs };
        } catch (err) {
          return {
            c,
            status: 'down' as const,
            latencyMs: Math.round(performance.now() - start),
            error: errorMessage(err),
          };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks: ReadinessReport['checks'] = {};
    let status: ReadinessReport['status'] = 'ok';
    for (const r of results) {
      checks[r.c.name] = { status: r.status, latencyMs: r.latencyMs, critical: r.c.critical, ...(r.error ? { error: r.error } : {}) };
      // It answers when degraded: up, as far as this gauge goes (the fault has its own metric).
      dependencyUp.set({ dependency: r.c.name }, r.status === 'down' ? 0 : 1);
      if (r.status === 'down' && r.c.critical) status = 'unavailable';
      else if (r.status !== 'up' && status === 'ok') status = 'degraded';
    }
    for (const name of this.notConfigured) checks[name] = { status: 'not_configured', critical: false };
    if (this.draining) status = 'draining';
    this.last = { status, version: this.version, uptimeSeconds: Math.round(process.uptime()), checks };
    return this.last;
  }
}
