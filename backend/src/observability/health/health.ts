/**
 * Liveness and readiness. Readiness runs every registered dependency check
 * with a timeout: a critical dependency (the database) that does not answer
 * makes MediaNest unavailable (503); any other that does not answer makes it
 * degraded (200, it still serves). Results also feed medianest_dependency_up.
 */
import { dependencyUp } from '../metrics/catalog';

export type DependencyState = 'up' | 'down' | 'not_configured';

export interface DependencyCheck {
  name: string;
  /** A critical dependency being down makes readiness fail (503). */
  critical: boolean;
  /** Resolves when healthy, rejects with the reason otherwise. */
  check(timeoutMs: number): Promise<void>;
}

export interface ReadinessReport {
  status: 'ok' | 'degraded' | 'unavailable';
  version: string;
  uptimeSeconds: number;
  checks: Record<string, { status: DependencyState; latencyMs?: number; critical: boolean; error?: string }>;
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

  lastReport(): ReadinessReport | undefined {
    return this.last;
  }

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        const start = performance.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            c.check(this.timeoutMs),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
            }),
          ]);
          return { c, status: 'up' as const, latencyMs: Math.round(performance.now() - start) };
        } catch (err) {
          return {
            c,
            status: 'down' as const,
            latencyMs: Math.round(performance.now() - start),
            error: err instanceof Error ? err.message : String(err),
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
      dependencyUp.set({ dependency: r.c.name }, r.status === 'up' ? 1 : 0);
      if (r.status === 'down') status = r.c.critical ? 'unavailable' : status === 'unavailable' ? status : 'degraded';
    }
    for (const name of this.notConfigured) checks[name] = { status: 'not_configured', critical: false };
    this.last = { status, version: this.version, uptimeSeconds: Math.round(process.uptime()), checks };
    return this.last;
  }
}
