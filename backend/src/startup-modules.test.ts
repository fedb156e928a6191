/**
 * What a start loads: a server reads only the modules of what is configured.
 * Web Push, SMTP (nodemailer) and undici (outgoing calls' connection pools) are read on their first use, ioredis,
 * BullMQ and the Socket.IO Redis adapter only with REDIS_URL, the PostgreSQL driver only with
 * DATABASE_URL, OpenTelemetry's core only with tracing on — each of them costs start-up time (the
 * tracing SDK's own case is in tracing.test.ts). Runs the built server
 * (`npx tsc -p tsconfig.build.json` first) in a child process.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { assertBuilt, DIST_DIR } from '../test/app-process';
import { prepareTestEnv, testMode, type TestEnv } from '../test/context';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const PACKAGES = [
  'web-push',
  'nodemailer',
  'undici',
  'bullmq',
  'ioredis',
  '@socket.io/redis-streams-adapter',
  'pg',
  '@opentelemetry/core',
] as const;

/** Starts the server in a child process and lists which of PACKAGES it loaded once it was listening. */
async function loadedAtStart(): Promise<string[]> {
  assertBuilt();
  env = await prepareTestEnv();
  const script = `
    const { loadConfig } = require('./config.js');
    const { startServer } = require('./server.js');
    startServer(loadConfig()).then(async (running) => {
      const loaded = ${JSON.stringify(PACKAGES)}.filter((p) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + p + '/')));
      console.log(JSON.stringify(loaded));
      await running.stop();
      process.exit(0);
    }, (err) => { console.error(err); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: DIST_DIR,
    env: { PATH: process.env.PATH ?? '', ...env.env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
}

describe('start-up', () => {
  it(`loads no Web Push, SMTP or tracing module, Redis, BullMQ and the Socket.IO adapter only with Redis, pg only with PostgreSQL (${testMode})`, async () => {
    const loaded = await loadedAtStart();
    expect(loaded).not.toContain('web-push');
    expect(loaded).not.toContain('nodemailer');
    expect(loaded).not.toContain('undici');
    expect(loaded).not.toContain('@opentelemetry/core');
    if (testMode === 'services') expect(loaded.sort()).toEqual(['@socket.io/redis-streams-adapter', 'bullmq', 'ioredis', 'pg']);
    else expect(loaded).toEqual([]);
  }, 120_000);
});
