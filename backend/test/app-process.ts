/**
 * Runs the built MediaNest (`node backend/dist/main.js`, as `npm start` and the
 * Docker image do) in a child process for tests that need what only a fresh
 * process has: the OpenTelemetry SDK registered before the app loads, signal
 * handling, the real log outputs. Build first: `npx tsc -p tsconfig.build.json`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const DIST_MAIN = path.resolve(__dirname, '../dist/main.js');
export const DIST_DIR = path.dirname(DIST_MAIN);

export interface AppProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly baseUrl: string;
  readonly metricsUrl: string | undefined;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** stdout lines that are JSON log lines, parsed. */
  logLines(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

export function assertBuilt(): void {
  if (!fs.existsSync(DIST_MAIN) || !fs.existsSync(path.join(DIST_DIR, 'tracing.js'))) {
    throw new Error(`${DIST_MAIN} is missing: run \`npx tsc -p tsconfig.build.json\` in backend/ first`);
  }
}

/** Starts `main` (this build's dist/main.js unless another build's is given, as the upgrade test does). */
export async function startAppProcess(env: Record<string, string>, timeoutMs = 40_000, main = DIST_MAIN): Promise<AppProcess> {
  if (main === DIST_MAIN) assertBuilt();
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logLines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = logLines().find((l) => l.event === 'server.started');
    if (started) {
      const metricsPort = started.metrics_port as number | undefined;
      return {
        child,
        baseUrl: `http://127.0.0.1:${started.port as number}`,
        metricsUrl: metricsPort ? `http://127.0.0.1:${metricsPort}/metrics` : undefined,
        output: () => out,
        logLines,
        exited,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`MediaNest did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
