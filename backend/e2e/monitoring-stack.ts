/**
 * Runs the monitoring stack around a MediaNest on this machine, the way the
 * compose deployment does but without Docker: Debian's Prometheus,
 * Alertmanager and exporters with the repository's own configs, rendered by
 * scripts/render-local-monitoring.mjs (only targets, ports, the webhook URL
 * and secrets' paths changed for loopback). Used by the stack test and by
 * `npm run drill`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/free-port';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface MonitoringStackOptions {
  /** host:port of MediaNest's metrics listener. */
  medianestMetrics: string;
  /** Base URL of MediaNest's API (for the Alertmanager webhook). */
  medianestUrl: string;
  alertsWebhookToken: string;
  metricsToken?: string;
  /** Override scrape/evaluation intervals (the stack test); the drill keeps production values. */
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Override Alertmanager's group_interval on every route (the stack test: resolutions within seconds). */
  groupInterval?: string;
  /** Start the PostgreSQL, Redis and node exporters against the local servers. */
  exporters?: boolean;
}

export interface MonitoringStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** Instant query; returns the result vector. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  targets(): Promise<Array<{ job: string; health: string; lastError: string }>>;
  stop(): Promise<void>;
}

function which(binary: string): string {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(':')) {
    const candidate = path.join(dir, binary);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${binary} is not installed (apt-get install ${binary}); .ci/run installs it`);
}

async function waitForHttp(url: string, timeoutMs: number, what: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${what} exited (${proc.exitCode}):\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startMonitoringStack(options: MonitoringStackOptions): Promise<MonitoringStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-stack-'));
  const procs: Array<{ name: string; proc: ChildProcess; log: () => string }> = [];
  const launch = (name: string, binary: string, args: string[], env: Record<string, string> = {}) => {
    const proc = spawn(which(binary), args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const entry = { name, proc, log: () => output };
    procs.push(entry);
    return entry;
  };

  try {
    const [promPort, amPort, pgExpPort, redisExpPort, nodeExpPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const webhookTokenFile = path.join(dir, 'alerts_webhook_token');
    fs.writeFileSync(webhookTokenFile, options.alertsWebhookToken);
    const targets = [
      `medianest-backend=${options.medianestMetrics}`,
      `prometheus=127.0.0.1:${promPort}`,
      `alertmanager=127.0.0.1:${amPort}`,
    ];
    if (options.exporters !== false) {
      targets.push(
        `postgres-exporter=127.0.0.1:${pgExpPort}`,
        `redis-exporter=127.0.0.1:${redisExpPort}`,
        `node-exporter=127.0.0.1:${nodeExpPort}`,
      );
    }
    const renderArgs = [
      path.join(REPO_ROOT, 'scripts/render-local-monitoring.mjs'),
      '--out',
      dir,
      ...targets.flatMap((t) => ['--target', t]),
      '--alertmanager',
      `127.0.0.1:${amPort}`,
      '--webhook-url',
      `${options.medianestUrl}/api/v1/alerts/webhook`,
      '--webhook-token-file',
      webhookTokenFile,
    ];
    if (options.metricsToken) {
      const metricsTokenFile = path.join(dir, 'metrics_token');
      fs.writeFileSync(metricsTokenFile, options.metricsToken);
      renderArgs.push('--metrics-token-file', metricsTokenFile);
    }
    if (options.scrapeInterval) renderArgs.push('--scrape-interval', options.scrapeInterval);
    if (options.evaluationInterval) renderArgs.push('--evaluation-interval', options.evaluationInterval);
    if (options.groupInterval) renderArgs.push('--group-interval', options.groupInterval);
    execFileSync(process.execPath, renderArgs, { stdio: 'pipe' });

    if (options.exporters !== false) {
      launch('postgres-exporter', 'prometheus-postgres-exporter', [`--web.listen-address=127.0.0.1:${pgExpPort}`], {
        DATA_SOURCE_NAME: 'postgresql://postgres@127.0.0.1:5432/test?sslmode=disable',
      });
      launch('redis-exporter', 'prometheus-redis-exporter', [
        `-web.listen-address=127.0.0.1:${redisExpPort}`,
        '-redis.addr=redis://127.0.0.1:6379',
      ]);
      launch('node-exporter', 'prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodeExpPort}`]);
    }
    const am = launch('alertmanager', 'prometheus-alertmanager', [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
    ]);
    const prom = launch('prometheus', 'prometheus', [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    const prometheusUrl = `http://127.0.0.1:${promPort}`;
    const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
    await waitForHttp(`${alertmanagerUrl}/-/ready`, 30_000, 'alertmanager', am.proc, am.log);
    await waitForHttp(`${prometheusUrl}/-/ready`, 30_000, 'prometheus', prom.proc, prom.log);

    return {
      prometheusUrl,
      alertmanagerUrl,
      async query(expr) {
        const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
        if (body.status !== 'success') throw new Error(`query failed: ${expr}: ${body.error}`);
        const result = body.data!.result;
        if (body.data!.resultType === 'scalar') return [{ metric: {}, value: result as [number, string] }];
        return result as Array<{ metric: Record<string, string>; value: [number, string] }>;
      },
      async targets() {
        const res = await fetch(`${prometheusUrl}/api/v1/targets?state=active`);
        const body = (await res.json()) as {
          data: { activeTargets: Array<{ labels: { job: string }; health: string; lastError: string }> };
        };
        return body.data.activeTargets.map((t) => ({ job: t.labels.job, health: t.health, lastError: t.lastError }));
      },
      async stop() {
        await stopAll(procs);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll(procs);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function stopAll(procs: Array<{ proc: ChildProcess }>): Promise<void> {
  await Promise.all(
    procs.map(
      ({ proc }) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
          proc.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
    ),
  );
}

/** Every Prometheus query of the provisioned dashboards (scripts/check-dashboards.mjs). */
export function dashboardQueries(): Array<{ dashboard: string; panel: string; expr: string }> {
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/check-dashboards.mjs'), '--list-queries'], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { dashboard: string; panel: string; expr: string });
}
