/**
 * What an operator reads when MediaNest cannot start: one line naming the
 * setting and the cause, exit code 1 — for an unwritable DATA_DIR, an
 * unreachable PostgreSQL, a missing database, a port already taken.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTestEnv, TEST_PG_URL, type TestEnv } from '../test/context';
import { freePort } from '../test/free-port';

const MAIN = path.resolve(__dirname, '../dist/main.js');
const WORKER = path.resolve(__dirname, '../dist/worker.js');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, env: Record<string, string>): Promise<Outcome> {
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      METRICS_HOST: '127.0.0.1',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exactly one line on stderr, nothing on stdout, exit code 1. */
function expectOneLine(outcome: Outcome, line: RegExp): void {
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).toMatch(/^[^\n]+\n$/);
  expect(outcome.stderr.trim()).toMatch(line);
  expect(outcome.code).toBe(1);
}

function pgUrl(changes: { port?: number; database?: string }): string {
  const url = new URL(TEST_PG_URL);
  if (changes.port !== undefined) url.port = String(changes.port);
  if (changes.database !== undefined) url.pathname = `/${changes.database}`;
  return url.toString();
}

describe('start-up failures', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-startup-'));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('names DATA_DIR and the cause when the directory cannot be created (a path below a regular file)', async () => {
    const file = path.join(scratch, 'not-a-directory');
    fs.writeFileSync(file, '');
    const dataDir = path.join(file, 'data');
    expectOneLine(await run(MAIN, { DATA_DIR: dataDir }), new RegExp(`^medianest: DATA_DIR: ${dataDir} is not writable \\(ENOTDIR\\)$`));
  });

  it('names DATA_DIR and the cause when the directory exists but refuses new files (even to root)', async () => {
    // sysfs lets nobody create files: EACCES, or EROFS where it is mounted read-only (containers).
    expectOneLine(await run(MAIN, { DATA_DIR: '/sys/kernel' }), /^medianest: DATA_DIR: \/sys\/kernel is not writable \((EACCES|EROFS)\)$/);
  });

  it('names DATABASE_URL with the refused address when PostgreSQL does not listen', async () => {
    const port = await freePort();
    const outcome = await run(MAIN, { DATA_DIR: path.join(scratch, 'refused'), DATABASE_URL: pgUrl({ port, database: 'medianest' }) });
    expectOneLine(outcome, new RegExp(`^medianest: DATABASE_URL: ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
  });

  it('names DATABASE_URL and the missing database, not the migration that failed', async () => {
    const database = `medianest_missing_${process.pid}`;
    const outcome = await run(MAIN, { DATA_DIR: path.join(scratch, 'missing'), DATABASE_URL: pgUrl({ database }) });
    expectOneLine(outcome, new RegExp(`^medianest: DATABASE_URL: database "${database}" does not exist$`));
  });

  it('says the same for the worker process', async () => {
    const port = await freePort();
    const outcome = await run(WORKER, {
      DATA_DIR: path.join(scratch, 'worker'),
      DATABASE_URL: pgUrl({ port, database: 'medianest' }),
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expectOneLine(outcome, new RegExp(`^medianest-worker: DATABASE_URL: ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
  });

  describe('with a working database', () => {
    let env: TestEnv;
    beforeAll(async () => {
      env = await prepareTestEnv();
    });
    afterAll(() => env.cleanup());

    it('names PORT and the address when the port is taken', async () => {
      const taken = net.createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
      const { port } = taken.address() as net.AddressInfo;
      try {
        const outcome = await run(MAIN, { ...env.env, PORT: String(port), LOG_LEVEL: 'silent' });
        expectOneLine(outcome, new RegExp(`^medianest: PORT: 127\\.0\\.0\\.1:${port} cannot be used \\(EADDRINUSE\\)$`));
      } finally {
        await new Promise<void>((resolve) => taken.close(() => resolve()));
      }
    });
  });
});
