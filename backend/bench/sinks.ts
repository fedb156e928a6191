/**
 * The bench's stand-in receivers (OTLP collector, Loki), each a child
 * process that prints `listening <port>` and reports what it received on
 * GET /stats.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface Sink<Stats> {
  url: string;
  stats(): Promise<Stats>;
  stop(): void;
}

export interface OtlpStats {
  exports: number;
  bytes: number;
  spans: number;
  /** With `--roots` only: each exported SERVER span's query string and sampling reason. */
  roots: { query: string; reason: string }[];
}

export interface LokiStats {
  pushes: number;
  lines: number;
  bytes: number;
  rejected: number;
}

async function startSink<Stats>(script: string, args: string[] = []): Promise<Sink<Stats>> {
  const child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => resolve(Number(/^listening (\d+)$/.exec(line)?.[1])));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as Stats,
    stop: () => child.kill('SIGTERM'),
  };
}

export const startOtlpSink = (options: { roots?: boolean } = {}) => startSink<OtlpStats>('otlp-sink.js', options.roots ? ['--roots'] : []);
export const startLokiSink = () => startSink<LokiStats>('loki-sink.js');
