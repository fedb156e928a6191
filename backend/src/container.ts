/**
 * Opens what MediaNest depends on (database, optional Redis) and builds the
 * services features use. One container per process; tests build their own.
 */
import type { Config } from './config';
import { createCache, type Cache } from './cache/cache';
import { openDatabase, type Database } from './db/client';
import { AuthService } from './features/auth/auth.service';
import { SessionStore } from './features/auth/sessions';
import { UsersRepository } from './features/users/users.repository';
import { createRateLimiter, type RateLimiter } from './http/rate-limit';
import { HealthService } from './observability/health';
import { buildInfo } from './observability/metrics';
import { EventBus } from './realtime/events';
import { connectRedis, type RedisConnection } from './redis/client';

export interface Container {
  config: Config;
  database: Database;
  redis?: RedisConnection;
  cache: Cache;
  limiter: RateLimiter;
  health: HealthService;
  events: EventBus;
  users: UsersRepository;
  sessions: SessionStore;
  auth: AuthService;
  /** Closes connections in reverse order of opening. */
  close(): Promise<void>;
}

export async function createContainer(config: Config): Promise<Container> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir, poolMax: config.DATABASE_POOL_MAX });
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX }) : undefined;
  const cache = createCache(redis);
  const limiter = createRateLimiter(redis);
  const users = new UsersRepository(database);
  const sessionTtlMs = config.SESSION_TTL_HOURS * 3600_000;
  const sessions = new SessionStore(database, sessionTtlMs);
  sessions.registerMetrics();
  const auth = new AuthService(users, sessions, limiter, sessionTtlMs);

  const health = new HealthService(config.version);
  health.register({ name: 'database', critical: true, check: (t) => database.ping(t) });
  if (redis) health.register({ name: 'redis', critical: false, check: (t) => redis.ping(t) });
  else health.registerNotConfigured('redis');

  const events = new EventBus();

  buildInfo.set({ version: config.version, commit: config.commit, node_version: process.version }, 1);

  return {
    config,
    database,
    redis,
    cache,
    limiter,
    health,
    events,
    users,
    sessions,
    auth,
    async close() {
      await redis?.close();
      await database.close();
    },
  };
}
