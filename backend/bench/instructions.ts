/**
 * `npm run bench -- --instructions`: what observability costs a request, in instructions.
 *
 * Throughput and CPU time move by up to 2× between rounds on a shared VM; an instruction count
 * does not. Each mode (OFF, metrics + logs, everything) runs under `valgrind --tool=callgrind`
 * (one file per thread; `--smc-check=all-non-file` for V8's generated code; Node writes a perf
 * map so generated code can be named). Counting starts off, so the WARMUP requests (four at a
 * time) run at valgrind's lighter speed and leave the server as warm as a loaded one: most code
 * optimised, not still in V8's baseline tier. Then counting is switched on
 * (`callgrind_control -i on`), REQUESTS requests to the database route are sent one after
 * another and the counters are dumped. The window is a slice of a steady state: deferred work
 * (Loki pushes, span export) of requests before it runs inside it, as that of its last requests
 * runs after it.
 *
 * Under valgrind a request takes ~50× longer than on a loaded server, so everything the server does
 * by the clock — a Loki push every second, log chunks flushed every 250 ms, the span batch every
 * 5 s, the tail sampler's few traces a second, health probes, scheduled jobs — would come 50 times
 * per request too often, and be counted as if requests caused it. So the server's clock is slowed
 * by the same factor (libfaketime, BENCH_INSTRUCTIONS_CLOCK): its timers, durations and sampler
 * see a request take about as long as a loaded server does, and batches fill as they would.
 *
 * Needs valgrind and libfaketime (`apt-get install valgrind faketime`). Settings:
 * BENCH_INSTRUCTIONS_CLOCK (0.02: the server's clock speed), BENCH_INSTRUCTIONS_REQUESTS (1000),
 * BENCH_INSTRUCTIONS_ROUTE (/api/v1/media/requests), BENCH_INSTRUCTIONS_CONNECTIONS (1),
 * BENCH_INSTRUCTIONS_WARMUP (3000), BENCH_INSTRUCTIONS_TOP (0: with N, the N functions whose
 * main-thread instructions grew most from OFF to each mode, by name), BENCH_INSTRUCTIONS_OUT (a
 * folder: keep each mode's dumps and perf map there, for callgrind_annotate or KCachegrind),
 * BENCH_INSTRUCTIONS_MODES (`metrics-logs,on`: the modes besides OFF).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startInstance, type Instance, type InstanceSettings } from './instances';

const VALGRIND_USER = 'medianest-bench';
const FAKETIME_LIBRARIES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
];

export interface InstructionMode {
  key: string;
  label: string;
  observability: boolean;
  traces: boolean;
}

export interface InstructionCounts {
  mode: InstructionMode;
  /** Per request: the main thread (the event loop, what limits throughput) and all threads. */
  mainThread: number;
  allThreads: number;
  /** Main-thread instructions per request by function (JavaScript functions by their perf-map name). */
  byFunction: Map<string, number>;
  /** Wall time per counted request under valgrind, and as the server's slowed clock saw it. */
  wallMsPerRequest: number;
  serverMsPerRequest: number;
}

export interface InstructionSettings {
  databaseUrl?: string;
  redis?: { url: string; keyPrefix: string };
  otlpEndpoint?: string;
  lokiUrl: string;
  /** The authenticated GET route to count (e.g. /api/v1/media/requests). */
  route: string;
  requests: number;
  /** Requests in flight at once while counting (1: one after another). */
  connections: number;
  warmup: number;
  /** The server's clock speed (libfaketime), e.g. 0.02: fifty times slower than the wall clock. */
  clock: number;
  /** Keep each mode's dumps and perf map in this folder. */
  keepIn?: string;
}

function faketimeLibrary(): string {
  const found = FAKETIME_LIBRARIES.find((f) => fs.existsSync(f));
  if (!found) throw new Error('--instructions needs libfaketime (apt-get install faketime)');
  return found;
}

function callgrindControl(args: string[]): void {
  // vgdb finds the process by a FIFO named after USER and HOST, so both must match the instance's.
  execFileSync('callgrind_control', args, { env: { ...process.env, USER: VALGRIND_USER, HOST: '127.0.0.1' }, stdio: 'ignore' });
}

async function send(instance: Instance, route: string, count: number, concurrency: number): Promise<void> {
  if (concurrency > 1) {
    const share = Math.ceil(count / concurrency);
    await Promise.all(Array.from({ length: concurrency }, () => send(instance, route, share, 1)));
    return;
  }
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${instance.baseUrl}${route}`, { headers: { cookie: instance.cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${instance.name}: GET ${route} answered ${res.status}`);
  }
}

interface CodeRange {
  start: number;
  end: number;
  name: string;
}

/**
 * The perf map Node wrote (`--perf-basic-prof`): start address, size and name of each piece of
 * generated code, in the order it was generated. V8 reuses the addresses of collected code, so
 * an address can appear more than once: the latest entry is the code that ran last.
 */
function readPerfMap(file: string): CodeRange[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^([\da-f]+) ([\da-f]+) (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ start: parseInt(m[1]!, 16), end: parseInt(m[1]!, 16) + parseInt(m[2]!, 16), name: m[3]! }));
}

/** A function's name: callgrind's, or for generated code (a bare address) the perf map's; without callgrind's `'2` recursion suffix. */
function nameOf(fn: string, map: CodeRange[]): string {
  const bare = fn.replace(/'\d+$/, '');
  if (!/^0x[\da-f]+$/.test(bare)) return bare;
  const address = parseInt(bare, 16);
  for (let i = map.length - 1; i >= 0; i--) {
    const entry = map[i]!;
    if (address >= entry.start && address < entry.end) return entry.name.replace(/^(JS|LazyCompile|Function):/, '');
  }
  return '(unnamed generated code)';
}

/** Self instructions by function in one callgrind dump (cost lines right after a `calls=` line are a callee's, not self). */
function selfCostByFunction(file: string): Map<string, number> {
  const names = new Map<string, string>();
  const costs = new Map<string, number>();
  let current = '';
  let afterCalls = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    // fn= and cfn= share one table of compressed names: `(12) name` the first time, `(12)` after.
    const named = /^c?fn=\((\d+)\) (.*)$/.exec(line);
    if (named) names.set(named[1]!, named[2]!);
    if (line.startsWith('fn=')) {
      const id = /^fn=\((\d+)\)/.exec(line)?.[1];
      current = id ? (names.get(id) ?? id) : line.slice(3);
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCalls = true;
      continue;
    }
    const c = /^[+\-*\d]\S* (\d+)$/.exec(line);
    if (!c) continue;
    if (afterCalls) afterCalls = false;
    else costs.set(current, (costs.get(current) ?? 0) + Number(c[1]));
  }
  return costs;
}

function totalOf(file: string): number {
  const m = /^(?:summary|totals): (\d+)/m.exec(fs.readFileSync(file, 'utf8'));
  return Number(m?.[1] ?? 0);
}

async function countMode(root: string, mode: InstructionMode, settings: InstructionSettings): Promise<InstructionCounts> {
  const dir = path.join(root, mode.key, 'callgrind');
  fs.mkdirSync(dir, { recursive: true });
  const outFile = path.join(dir, 'callgrind.out');
  const instanceSettings: InstanceSettings = {
    name: `instructions-${mode.key}`,
    dataDir: path.join(root, mode.key),
    observability: mode.observability,
    otlpEndpoint: mode.traces ? settings.otlpEndpoint : undefined,
    lokiUrl: settings.lokiUrl,
    databaseUrl: settings.databaseUrl,
    redis: settings.redis,
    launcher: [
      'valgrind',
      '--tool=callgrind',
      '--smc-check=all-non-file',
      '--separate-threads=yes',
      '--instr-atstart=no',
      `--callgrind-out-file=${outFile}`,
    ],
    // Code that V8 moved would keep the name of what was at its new address before: no compaction of code.
    nodeArgs: ['--perf-basic-prof', '--no-compact-code-space'],
    readyTimeoutMs: 600_000,
    extraEnv: {
      USER: VALGRIND_USER,
      LD_PRELOAD: faketimeLibrary(),
      FAKETIME: `+0 x${settings.clock}`,
      FAKETIME_DONT_FAKE_MONOTONIC: '0',
    },
  };
  const instance = await startInstance(instanceSettings);
  let wallMs: number;
  try {
    await send(instance, settings.route, settings.warmup, 4);
    callgrindControl(['-i', 'on', String(instance.pid)]);
    callgrindControl(['-z', String(instance.pid)]);
    const started = performance.now();
    await send(instance, settings.route, settings.requests, settings.connections);
    wallMs = performance.now() - started;
    callgrindControl(['-d', String(instance.pid)]);
  } finally {
    await instance.stop();
  }
  // The dump asked for is `callgrind.out.1-NN`, one per thread; thread 01 is the main thread.
  const dumps = fs.readdirSync(dir).filter((f) => /^callgrind\.out\.1-\d+$/.test(f));
  const main = dumps.find((f) => f.endsWith('-01'));
  if (!main) throw new Error(`${mode.label}: callgrind wrote no dump of the main thread in ${dir}`);
  const perfMap = `/tmp/perf-${instance.pid}.map`;
  const map = readPerfMap(perfMap);
  if (settings.keepIn) {
    const kept = path.join(settings.keepIn, mode.key);
    fs.mkdirSync(kept, { recursive: true });
    for (const f of dumps) fs.copyFileSync(path.join(dir, f), path.join(kept, f));
    if (fs.existsSync(perfMap)) fs.copyFileSync(perfMap, path.join(kept, 'perf.map'));
  }
  fs.rmSync(perfMap, { force: true });
  const byFunction = new Map<string, number>();
  for (const [fn, cost] of selfCostByFunction(path.join(dir, main))) {
    const name = nameOf(fn, map);
    byFunction.set(name, (byFunction.get(name) ?? 0) + cost / settings.requests);
  }
  return {
    mode,
    mainThread: totalOf(path.join(dir, main)) / settings.requests,
    allThreads: dumps.reduce((sum, f) => sum + totalOf(path.join(dir, f)), 0) / settings.requests,
    byFunction,
    wallMsPerRequest: wallMs / settings.requests,
    serverMsPerRequest: (wallMs * settings.clock) / settings.requests,
  };
}

export async function countInstructions(
  root: string,
  modes: InstructionMode[],
  settings: InstructionSettings,
): Promise<InstructionCounts[]> {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('--instructions needs valgrind (apt-get install valgrind)');
  }
  faketimeLibrary();
  const counts: InstructionCounts[] = [];
  for (const mode of modes) counts.push(await countMode(root, mode, settings));
  return counts;
}

/** The functions whose main-thread instructions per request grew most from `base` to `mode`. */
export function largestGrowth(base: InstructionCounts, mode: InstructionCounts, top: number): [string, number][] {
  const names = new Set([...base.byFunction.keys(), ...mode.byFunction.keys()]);
  return [...names]
    .map((name): [string, number] => [name, (mode.byFunction.get(name) ?? 0) - (base.byFunction.get(name) ?? 0)])
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
}
