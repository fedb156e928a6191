/**
 * The optional Redis connection (ioredis). Every command is observed in
 * medianest_redis_operation_duration_seconds by wrapping sendCommand once, and
 * inside a traced request or job gets a CLIENT span named after the command
 * (deferred until the trace is kept: deferred-spans.ts; no arguments recorded,
 * they can hold session ids and tokens). The OpenTelemetry ioredis
 * instrumentation is not loaded: it wrapped every command of every connection.
 * Commands fail fast while disconnected (no offline queue), so callers fall
 * back to their in-process path instead of hanging; ioredis reconnects by
 * itself and `reconnect()` forces a fresh connection (recovery procedure).
 */
import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { Redis, RedisOptions } from 'ioredis';
import type { SpanTemplate } from '../observability/tracing/deferred-spans';
import { startLeafSpan } from '../observability/tracing/trace';
import { redisOperationDuration } from '../observability/metrics/catalog';
import { logger } from '../observability/logging/logger';

export interface RedisConnection {
  readonly client: Redis;
  isReady(): boolean;
  ping(timeoutMs: number): Promise<void>;
  reconnect(): Promise<void>;
  /** A second connection for blocking consumers (BullMQ workers). */
  duplicate(): Redis;
  /**
   * A separate, instrumented connection without key prefix that queues commands while Redis is
   * away and sends them when it is back (the Socket.IO adapter: nothing published during a blip is lost).
   */
  queueing(): Redis;
  close(): Promise<void>;
}

const KNOWN_COMMANDS = new Set([
  'get',
  'set',
  'del',
  'mget',
  'incr',
  'pexpire',
  'expire',
  'ttl',
  'pttl',
  'ping',
  'eval',
  'evalsha',
  'exists',
  'hget',
  'hset',
  'hgetall',
  'hdel',
  'publish',
  'subscribe',
  'scan',
  'zadd',
  'zrange',
  'zrem',
  'lpush',
  'rpush',
  'lrange',
  'multi',
  'exec',
  'info',
  'setex',
  'psetex',
  'unlink',
  'keys',
  'script',
  'xadd',
  'xrange',
  'getdel',
]);

type SendCommand = Redis['sendCommand'];

/** The span template of each command on one server (span names are command names: a fixed set). */
function spanTemplates(url: string): (command: string) => SpanTemplate {
  const templates = new Map<string, SpanTemplate>();
  let server: Attributes = {};
  try {
    const parsed = new URL(url);
    server = { 'server.address': parsed.hostname, 'server.port': Number(parsed.port || 6379) };
  } catch {
    // An unparsable URL fails at connect; its spans just lack the server.
  }
  return (command) => {
    let template = templates.get(command);
    if (!template) {
      const attributes = {
        'db.system.name': 'redis',
        'db.system': 'redis',
        'db.operation.name': command,
        'db.statement': command,
        ...server,
      };
      template = { name: command, kind: SpanKind.CLIENT, attributes };
      if (templates.size < KNOWN_COMMANDS.size * 2) templates.set(command, template);
    }
    return template;
  };
}

function instrument(client: Redis, templateOf: (command: string) => SpanTemplate): void {
  const send: SendCommand = client.sendCommand.bind(client);
  client.sendCommand = (command: Parameters<SendCommand>[0], stream?: Parameters<SendCommand>[1]) => {
    const name = String(command.name).toLowerCase();
    const label = KNOWN_COMMANDS.has(name) ? name : 'other';
    const end = redisOperationDuration.startTimer({ command: label });
    const endSpan = startLeafSpan(templateOf(name));
    command.promise.then(
      () => {
        end({ status: 'success' });
        endSpan?.();
      },
      (err: unknown) => {
        end({ status: 'error' });
        endSpan?.(true, err);
      },
    );
    return send(command, stream);
  };
}

/** ioredis is loaded with the first connection: a server without REDIS_URL never reads it. */
function newRedis(url: string, options: RedisOptions): Redis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when Redis is configured
  const { Redis: Client } = require('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}

export function connectRedis(url: string, options: { keyPrefix?: string } = {}): RedisConnection {
  const templateOf = spanTemplates(url);
  const make = () => {
    const client = newRedis(url, {
      keyPrefix: options.keyPrefix,
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (times) => Math.min(200 * times, 2000),
    });
    instrument(client, templateOf);
    let wasReady = false;
    client.on('ready', () => {
      if (wasReady) logger().info({ event: 'redis.reconnected' }, 'Redis connection restored');
      wasReady = true;
    });
    client.on('error', (err: Error) => {
      // Logged at debug: readiness and the redis breaker report the outage once, not per retry.
      logger().debug({ event: 'redis.error', err: err.message }, 'Redis error');
    });
    return client;
  };
  let client = make();
  return {
    get client() {
      return client;
    },
    isReady() {
      return client.status === 'ready';
    },
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        client.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    },
    async reconnect() {
      const old = client;
      client = make();
      old.disconnect();
    },
    duplicate() {
      return newRedis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(200 * times, 2000) });
    },
    queueing() {
      const queued = newRedis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(200 * times, 2000) });
      instrument(queued, templateOf);
      queued.on('error', (err: Error) => logger().debug({ event: 'redis.error', err: err.message }, 'Redis error'));
      return queued;
    },
    async close() {
      client.disconnect();
    },
  };
}
