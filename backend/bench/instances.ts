/**
 * MediaNest under test: each instance is `node dist/main.js` in a child
 * process with its own data folder and loopback ports, and an environment
 * built from scratch — nothing inherited from the shell can switch
 * observability on or off behind the benchmark's back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NODE_LAUNCH_FLAGS } from '../src/launch-flags';
import { freePort } from '../test/free-port';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';
/** The production build (`backend/dist`); the bench itself is built apart, into `backend/dist-bench`. */
export const BACKEND_DIST = path.resolve(__dirname, '../../dist');
const MAIN = path.join(BACKEND_DIST, 'main.js');
/** USER_HZ: Linux reports process CPU times in 1/100 s on every architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface InstanceSettings {
  name: string;
  dataDir: string;
  /** true: metrics, info logs (to the log file and stdout), traces when `otlpEndpoint` is given. */
  observability: boolean;
  otlpEndpoint?: string;
  /** OTEL_TRACES_SAMPLER_ARG when traces are on (default 1.0: every request). */
  tracesSampler?: string;
  databaseUrl?: string;
  /** REDIS_URL and REDIS_KEY_PREFIX (the bench's own prefix, removed afterwards). */
  redis?: { url: string; keyPrefix: string };
  /** Write a V8 CPU profile of the instance into this folder on exit. */
  cpuProfDir?: string;
  /** LOKI_URL when observability is on: info logs are shipped there too, as production would. */
  lokiUrl?: string;
  /** Further variables, for experiments (e.g. OTEL_TRACES_SAMPLER_ARG=0 to separate instrumentation from export). */
  extraEnv?: Record<string, string>;
  /** Node options before the script (e.g. the soak's GC probe). */
  nodeArgs?: string[];
  /** Skip signing in (footprint measurements want the idle process untouched). */
  noSignIn?: boolean;
  /** A program that runs Node (e.g. valgrind and its options): the instance is `launcher… node …`. */
  launcher?: string[];
  /** How long the start may take (default 90 s; a process under valgrind needs minutes). */
  readyTimeoutMs?: number;
}

export interface Instance {
  name: string;
  pid: number;
  baseUrl: string;
  metricsUrl?: string;
  /** The admin's session cookie (`name=value`; empty with `noSignIn`). */
  cookie: string;
  stdoutFile: string;
  /** From spawning the process to the first 200 of /health/ready. */
  readyMs: number;
  stop(): Promise<void>;
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

/** CPU time (user + system) the process has used so far, in milliseconds (Linux /proc). */
export function cpuTimeMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) — utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function environment(settings: InstanceSettings, port: number, metricsPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    DATA_DIR: settings.dataDir,
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    LOG_FORMAT: 'json',
    PROMETHEUS_ENABLED: String(settings.observability),
    LOG_LEVEL: settings.observability ? 'info' : 'warn',
    // The code cache of the bundle in the instance's own folder: a first start compiles everything, as
    // after an install; a restart on the same folder finds what the previous run wrote (code-cache.ts).
    NODE_COMPILE_CACHE: path.join(settings.dataDir, 'compile-cache'),
  };
  if (settings.databaseUrl) env.DATABASE_URL = settings.databaseUrl;
  if (settings.redis) {
    env.REDIS_URL = settings.redis.url;
    env.REDIS_KEY_PREFIX = settings.redis.keyPrefix;
  }
  if (settings.observability && settings.lokiUrl) env.LOKI_URL = settings.lokiUrl;
  if (settings.observability && settings.otlpEndpoint) {
    env.OTEL_EXPORTER_OTLP_ENDPOINT = settings.otlpEndpoint;
    env.OTEL_TRACES_SAMPLER_ARG = settings.tracesSampler ?? '1.0';
  }
  return { ...env, ...settings.extraEnv };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, stdoutFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`MediaNest exited with ${child.exitCode} during start:\n${fs.readFileSync(stdoutFile, 'utf8').slice(-2000)}`);
    }
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`MediaNest at ${baseUrl} did not become ready within ${timeoutMs / 1000} s`);
}

async function signIn(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
  });
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (res.status !== 200 || !cookie) throw new Error(`signing in to ${baseUrl} failed: ${res.status} ${await res.text()}`);
  const session = await fetch(`${baseUrl}/api/v1/auth/session`, { headers: { cookie } });
  if (session.status !== 200) throw new Error(`the session cookie of ${baseUrl} is not accepted: ${session.status}`);
  return cookie;
}

export async function startInstance(settings: InstanceSettings): Promise<Instance> {
  fs.mkdirSync(settings.dataDir, { recursive: true });
  const port = await freePort();
  const metricsPort = await freePort();
  const stdoutFile = path.join(settings.dataDir, 'stdout.log');
  const out = fs.openSync(stdoutFile, 'a');
  const profile = settings.cpuProfDir
    ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`, `--cpu-prof-name=${settings.name}.cpuprofile`]
    : [];
  // Started as operators start it (npm start, the image, Kubernetes): with the same Node.js flags.
  const args = [...NODE_LAUNCH_FLAGS, ...(settings.nodeArgs ?? []), ...profile, MAIN];
  const spawnedAt = performance.now();
  const [program, ...launcherArgs] = [...(settings.launcher ?? []), process.execPath];
  const child = spawn(program, [...launcherArgs, ...args], { env: environment(settings, port, metricsPort), stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited(child);
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilReady(baseUrl, child, stdoutFile, settings.readyTimeoutMs ?? 90_000);
    const readyMs = performance.now() - spawnedAt;
    const cookie = settings.noSignIn ? '' : await signIn(baseUrl);
    return {
      name: settings.name,
      pid: child.pid!,
      baseUrl,
      metricsUrl: settings.observability ? `http://127.0.0.1:${metricsPort}/metrics` : undefined,
      cookie,
      stdoutFile,
      readyMs,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
