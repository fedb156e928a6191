import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../cache/cache';
import { LibraryService } from '../features/plex/library.service';
import { PlayLinks } from '../features/plex/play-links';
import { HttpClient } from '../integrations/http-client';
import { PlexClient } from '../integrations/plex';
import { connectRedis, type RedisConnection } from '../redis/client';
import { FakePlex } from '../../test/fakes/fake-plex';
import { startTcpProxy } from '../../test/tcp-proxy';
import { prepareTestEnv, TEST_REDIS_URL } from '../../test/context';
import { openDatabase } from '../db/client';
import { createLogger, logger, setLogger } from '../observability/logging/logger';
import { circuitBreakerState } from '../observability/metrics/catalog';
import { BreakerRegistry, DEFAULT_BREAKER_SETTINGS, installRecoveryProcedures } from './breakers';

const lines: string[] = [];
const previousLogger = logger();
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  setLogger(
    createLogger({ level: 'debug', version: 'test', environment: 'test', destination: { write: (s: string) => void lines.push(s) } }),
  );
});
afterAll(() => setLogger(previousLogger));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function gauge(service: string): Promise<number | undefined> {
  return (await circuitBreakerState.get()).values.find((v) => v.labels.service === service)?.value;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const logged = (event: string, service?: string) =>
  lines.some((l) => l.includes(`"event":"${event}"`) && (!service || l.includes(`"upstream":"${service}"`)));

function healthyDatabase() {
  return { ping: async () => undefined, recreatePool: async () => undefined };
}

describe('Redis breaker', () => {
  it('opens during a Redis outage (gauge 1), reconnects, serves the cache from memory, and closes when Redis is back', async () => {
    const target = new URL(TEST_REDIS_URL);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    const redis: RedisConnection = connectRedis(proxy.url('redis'), { keyPrefix: `mntest:resilience:${process.pid}:` });
    cleanups.push(
      () => redis.close(),
      () => proxy.close(),
    );
    let reconnects = 0;
    const reconnect = redis.reconnect.bind(redis);
    redis.reconnect = async () => {
      reconnects++;
      await reconnect();
    };
    await until(() => redis.isReady(), 'Redis connection');

    const registry = new BreakerRegistry({
      resetTimeoutMs: 300,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingWindowMs: 10_000,
    });
    cleanups.push(() => registry.close());
    installRecoveryProcedures(registry, { redis, database: healthyDatabase() }, 100);
    const cache = createCache(redis);

    await until(() => registry.states().redis === 'closed', 'redis breaker');
    expect(await gauge('redis')).toBe(0);

    proxy.cut();
    await until(async () => (await gauge('redis')) === 1, 'redis breaker to open');
    expect(logged('circuit_breaker.open', 'redis')).toBe(true);
    await until(() => reconnects > 0, 'the reconnect recovery');

    // The cache keeps working from memory meanwhile.
    await cache.set('during-outage', { ok: true }, 60);
    expect(await cache.get('during-outage')).toEqual({ ok: true });

    await proxy.restore();
    await until(async () => (await gauge('redis')) === 0, 'redis breaker to close');
    expect(registry.states().redis).toBe('closed');
    expect(logged('circuit_breaker.close', 'redis')).toBe(true);
  });
});

describe('hung Redis and PostgreSQL (the port accepts, nothing answers)', () => {
  it('a hung Redis opens its breaker within a handful of probes, the cache serves from memory, and it closes once Redis answers', async () => {
    const target = new URL(TEST_REDIS_URL);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    const redis: RedisConnection = connectRedis(proxy.url('redis'), { keyPrefix: `mntest:resilience-hang:${process.pid}:` });
    cleanups.push(
      () => redis.close(),
      () => proxy.close(),
    );
    await until(() => redis.isReady(), 'Redis connection');
    const registry = new BreakerRegistry({ resetTimeoutMs: 300 });
    cleanups.push(() => registry.close());
    installRecoveryProcedures(registry, { redis, database: healthyDatabase() }, 100);
    const cache = createCache(redis);
    await until(() => registry.states().redis === 'closed', 'redis breaker');

    proxy.hang();
    let probes = 0;
    const ping = redis.ping.bind(redis);
    redis.ping = (t: number) => {
      probes++;
      return ping(t);
    };
    await until(async () => (await gauge('redis')) === 1, 'redis breaker to open');
    expect(probes).toBeLessThanOrEqual(DEFAULT_BREAKER_SETTINGS.consecutiveFailures); // a handful of hung probes, not a window's worth
    await cache.set('during-hang', { ok: true }, 60);
    expect(await cache.get('during-hang')).toEqual({ ok: true });

    await proxy.restore();
    await until(async () => (await gauge('redis')) === 0, 'redis breaker to close', 15_000);
  });

  it('a hung PostgreSQL opens the database breaker within a handful of probes and closes once it answers again', async () => {
    const env = await prepareTestEnv({}, 'services');
    cleanups.push(() => env.cleanup());
    const target = new URL(env.env.DATABASE_URL!);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    cleanups.push(() => proxy.close());
    const proxied = new URL(target);
    proxied.port = String(proxy.port);
    const database = await openDatabase({ url: proxied.toString(), dataDir: env.env.DATA_DIR!, poolMax: 3 });
    cleanups.push(() => Promise.race([database.close(), new Promise<void>((r) => setTimeout(r, 500))]));
    const registry = new BreakerRegistry({ resetTimeoutMs: 300 });
    cleanups.push(() => registry.close());
    let probes = 0;
    installRecoveryProcedures(
      registry,
      {
        database: {
          ping: (t) => {
            probes++;
            return database.ping(t);
          },
          recreatePool: () => database.recreatePool(),
        },
      },
      100,
    );
    await until(() => registry.states().database === 'closed', 'database breaker');

    proxy.hang();
    probes = 0;
    await until(async () => (await gauge('database')) === 1, 'database breaker to open');
    expect(probes).toBeLessThanOrEqual(DEFAULT_BREAKER_SETTINGS.consecutiveFailures);
    await until(() => logged('recovery.start', 'database'), 'the pool to be recreated');

    await proxy.restore();
    await until(async () => (await gauge('database')) === 0, 'database breaker to close', 15_000);
    await database.ping(1000);
  });
});

describe('database breaker', () => {
  it('opens when the database stops answering, recreates the pool, and closes when it answers again', async () => {
    let healthy = true;
    let recreated = 0;
    const database = {
      ping: async () => {
        if (!healthy) throw new Error('PostgreSQL did not answer within 100 ms');
      },
      recreatePool: async () => {
        recreated++;
      },
    };
    const registry = new BreakerRegistry({
      resetTimeoutMs: 200,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingWindowMs: 10_000,
    });
    cleanups.push(() => registry.close());
    installRecoveryProcedures(registry, { database }, 50);
    await until(() => registry.states().database === 'closed', 'database breaker');

    healthy = false;
    await until(async () => (await gauge('database')) === 1, 'database breaker to open');
    await until(() => recreated > 0, 'pool recreation');
    expect(logged('recovery.start', 'database')).toBe(true);

    healthy = true;
    await until(async () => (await gauge('database')) === 0, 'database breaker to close');
  });
});

describe('Plex breaker', () => {
  let plex: FakePlex;
  beforeAll(async () => {
    plex = new FakePlex('server-token');
    await plex.start();
  });
  afterAll(() => plex.stop());

  it('re-resolves the server identity and clears the Plex caches when the server behind PLEX_URL changed', async () => {
    const registry = new BreakerRegistry({
      resetTimeoutMs: 200,
      errorThresholdPercentage: 50,
      volumeThreshold: 2,
      rollingWindowMs: 10_000,
    });
    cleanups.push(() => registry.close());
    const client = new PlexClient(
      new HttpClient({
        service: 'plex-api',
        displayName: 'Plex',
        baseUrl: plex.url,
        headers: { 'X-Plex-Token': 'server-token' },
        breaker: registry.get('plex-api'),
        timeoutMs: 1000,
        retries: 0,
        retryBaseDelayMs: 5,
      }),
    );
    const library = new LibraryService(client, createCache(), new PlayLinks(client));
    installRecoveryProcedures(
      registry,
      {
        database: healthyDatabase(),
        plex: {
          refreshIdentity: () => client.identity({ bypassBreaker: true }),
          onIdentityChange: (l) => client.onIdentityChange(l),
          clearCaches: () => library.clearCaches(),
        },
      },
      60_000,
    );
    const first = await client.identity();
    await library.libraries();
    await library.libraries();
    expect(plex.requestsTo('/library/sections')).toHaveLength(1); // cached

    // The server goes away and comes back as a different installation.
    plex.failWith(503);
    for (let i = 0; i < 3; i++) await expect(library.recentlyAdded()).rejects.toMatchObject({ status: 503 });
    expect(await gauge('plex-api')).toBe(1);
    await until(() => logged('recovery.failed', 'plex-api'), 'the first (failing) re-resolution');
    plex.setMachineIdentifier('a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
    plex.recover();
    await until(async () => (await gauge('plex-api')) === 2, 'plex breaker to half-open');
    await library.recentlyAdded(); // the trial call closes the breaker
    await until(() => logged('plex.server.changed'), 'the identity change to be noticed');
    expect(await gauge('plex-api')).toBe(0);
    expect(await client.machineIdentifier()).not.toBe(first.machineIdentifier);
    await until(async () => {
      await library.libraries();
      return plex.requestsTo('/library/sections').length === 2;
    }, 'the library cache to be dropped');
  });
});
