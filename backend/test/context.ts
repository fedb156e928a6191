/**
 * Test harness: a MediaNest with its own database (a copy of the prepared
 * PGlite folder, or a fresh PostgreSQL database) and its own Redis key prefix,
 * removed again by `cleanup()`. MEDIANEST_TEST_MODE chooses embedded or services.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { createContainer, type Container } from '../src/container';
import type { IntegrationOptions } from '../src/integrations/integrations';
import { purgeRedisKeys } from '../src/redis/purge-prefix';
import { startServer, type RunningServer } from '../src/server';

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_PASSWORD = 'admin-password-1';

export type TestMode = 'embedded' | 'services';
export const testMode: TestMode = process.env.MEDIANEST_TEST_MODE === 'services' ? 'services' : 'embedded';

export interface TestEnv {
  env: Record<string, string>;
  dataDir: string;
  cleanup(): Promise<void>;
}

async function withAdminPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under `prefix` (a test run's keys). */
export function purgeRedisPrefix(prefix: string): Promise<void> {
  return purgeRedisKeys(TEST_REDIS_URL, prefix);
}

/** Environment for one isolated MediaNest: data dir, database, Redis prefix. */
export async function prepareTestEnv(extra: Record<string, string> = {}, mode: TestMode = testMode): Promise<TestEnv> {
  const id = randomBytes(5).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-test-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PORT: '0',
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    METRICS_HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD,
    // A server under test watches Plex playback only when its test asks (PLEX_PLAYBACK_ENABLED=true): the
    // watcher's own reads of the fake Plex would otherwise mix with what other tests count.
    PLEX_PLAYBACK_ENABLED: 'false',
  };
  let dbName: string | undefined;
  const redisPrefix = `mntest:${id}:`;
  if (mode === 'services') {
    dbName = `medianest_test_${id}`;
    await withAdminPg((c) => c.query(`CREATE DATABASE ${dbName}`));
    const url = new URL(TEST_PG_URL);
    url.pathname = `/${dbName}`;
    env.DATABASE_URL = url.toString();
    env.REDIS_URL = TEST_REDIS_URL;
    env.REDIS_KEY_PREFIX = redisPrefix;
  } else {
    fs.cpSync(path.join(inject('pgliteTemplate'), 'db'), path.join(dataDir, 'db'), { recursive: true });
  }
  Object.assign(env, extra);
  return {
    env,
    dataDir,
    async cleanup() {
      if (dbName) {
        await withAdminPg((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
        await purgeRedisPrefix(redisPrefix).catch(() => undefined); // Redis may be down on purpose in an outage test
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  config: Config;
  container: Container;
  app: Express;
  cleanup(): Promise<void>;
}

/** An app (for supertest) with an isolated database; no listeners. */
export async function createTestApp(
  extra: Record<string, string> = {},
  mode: TestMode = testMode,
  integrations: IntegrationOptions = {},
): Promise<TestApp> {
  const testEnv = await prepareTestEnv(extra, mode);
  const config = loadConfig(testEnv.env);
  const container = await createContainer(config, integrations);
  await container.auth.ensureAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD);
  const app = buildApp(container);
  return {
    config,
    container,
    app,
    async cleanup() {
      await container.close();
      await testEnv.cleanup();
    },
  };
}

export interface TestServer extends RunningServer {
  config: Config;
  baseUrl: string;
  metricsUrl?: string;
  cleanup(): Promise<void>;
}

/** A listening MediaNest (API port and metrics port on 127.0.0.1, ephemeral ports). */
export async function startTestServer(
  extra: Record<string, string> = {},
  mode: TestMode = testMode,
  integrations: IntegrationOptions = {},
): Promise<TestServer> {
  const testEnv = await prepareTestEnv(extra, mode);
  const config = loadConfig(testEnv.env);
  const running = await startServer(config, { integrations });
  return {
    ...running,
    config,
    baseUrl: `http://127.0.0.1:${running.port}`,
    metricsUrl: running.metricsPort ? `http://127.0.0.1:${running.metricsPort}/metrics` : undefined,
    async cleanup() {
      await running.stop();
      await testEnv.cleanup();
    },
  };
}
