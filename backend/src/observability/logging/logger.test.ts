import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config';
import { loginCookie } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { startLokiReceiver, type LokiReceiver } from '../../../test/receivers/loki-receiver';
import {
  createLogger,
  createProcessLogger,
  logger,
  processLoggerOptions,
  setLogger,
  type ProcessLogger,
  type ProcessLoggerOptions,
  writeAccessLine,
} from './logger';
import { SERVICE_NAME } from '../tracing/trace';
import { register } from '../metrics/catalog';

const FAST_LOKI = { flushIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 200, requestTimeoutMs: 1_000 };

function readLogDir(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.length > 0);
}

async function droppedTotal(): Promise<number> {
  return (await register.getSingleMetric('medianest_log_lines_dropped_total')!.get()).values[0]?.value ?? 0;
}

/** Access lines as the logger is given them, plain and with every kind of character a field may hold. */
const ACCESS_LINE_CASES = [
  { request_id: 'c0ffee00-1111-4222-8333-444455556666', method: 'GET', route: '/api/v1/auth/session', status: 200, duration_ms: 1.3 },
  {
    request_id: 'client-chosen-id-1',
    user_id: '7f1c2f5e-0000-4000-8000-000000000001',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    method: 'POST',
    route: '/api/v1/media/:id',
    status: 499,
    duration_ms: 1234.5,
  },
  {
    request_id: 'x'.repeat(128),
    user_id: 'ünïcödé "quoted" \\ back\tslash\u2028',
    method: 'M-SEARCH',
    route: 'unmatched',
    status: 404,
    duration_ms: Number.NaN,
  },
];

describe('the process logger', () => {
  let loki: LokiReceiver;
  let logDir: string;
  let opened: ProcessLogger | undefined;
  const open = async (options: Partial<ProcessLoggerOptions> = {}) => {
    opened = await createProcessLogger({
      level: 'info',
      version: '9.9.9',
      environment: 'production',
      format: 'json',
      console: false,
      logDir,
      loki: { url: loki.url, maxBufferLines: 10_000, ...FAST_LOKI },
      ...options,
    });
    return opened;
  };
  const previous = logger();

  beforeEach(async () => {
    loki = await startLokiReceiver();
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-logs-'));
  });
  afterEach(async () => {
    setLogger(previous);
    await opened?.close(1_000);
    opened = undefined;
    await loki.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it('names the process once per line: INSTANCE_NAME as `instance`, the same name the Ops page and spans use', async () => {
    const config = loadConfig({ NODE_ENV: 'test', INSTANCE_NAME: 'web-a' });
    expect(config.instance).toBe('web-a');
    const p = await open({ instance: processLoggerOptions(config).instance });
    p.logger.info({ event: 'server.started', port: 4000 }, 'MediaNest is listening');
    await p.close(2_000);
    const [line] = readLogDir(logDir);
    expect(line!.match(/"instance":/g)).toHaveLength(1);
    expect(JSON.parse(line!)).toMatchObject({ instance: 'web-a', event: 'server.started' });
    // Without INSTANCE_NAME: host and process id, as the spans' service.instance.id.
    expect(loadConfig({ NODE_ENV: 'test' }).instance).toBe(`${os.hostname()}-${process.pid}`);
  });

  it('writes the same JSON lines to a dated file in LOG_DIR and to Loki, with service, version, environment and full error stacks', async () => {
    const p = await open();
    p.logger.info({ event: 'demo.started', items: 3 }, 'Demo started');
    p.logger.error({ event: 'demo.failed', err: new TypeError('kaboom') }, 'Demo failed');
    await loki.waitFor((lines) => lines.length === 2);
    await p.close(2_000);

    expect(fs.readdirSync(logDir)).toEqual([expect.stringMatching(/^medianest\.\d{4}-\d{2}-\d{2}\.1\.log$/)]);
    const fileLines = readLogDir(logDir);
    expect(fileLines).toEqual(loki.lines.map((l) => l.line));
    const [info, error] = fileLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(info).toMatchObject({
      level: 'info',
      message: 'Demo started',
      service: 'medianest-backend',
      version: '9.9.9',
      environment: 'production',
      instance: expect.any(String),
      event: 'demo.started',
      items: 3,
    });
    expect(new Date(String(info!.time)).toISOString()).toBe(info!.time);
    expect(error).toMatchObject({
      level: 'error',
      err: { type: 'TypeError', message: 'kaboom', stack: expect.stringContaining('logger.test.ts') },
    });
    expect(
      loki.lines.every((l) => JSON.stringify(l.labels) === JSON.stringify({ service: 'medianest-backend', environment: 'production' })),
    ).toBe(true);
  });

  it('ships access lines to Loki exactly as the file has them, whatever characters their fields hold', async () => {
    const p = await open();
    setLogger(p.logger);
    const cases = ACCESS_LINE_CASES;
    for (const fields of cases) writeAccessLine('info', fields);
    await loki.waitFor((lines) => lines.length === cases.length);
    await p.close(2_000);
    const fileLines = readLogDir(logDir);
    expect(loki.lines.map((l) => l.line)).toEqual(fileLines);
    expect(fileLines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { event: 'http.access', route: '/api/v1/auth/session', status: 200 },
      { user_id: cases[1]!.user_id, status: 499 },
      { user_id: cases[2]!.user_id, method: 'M-SEARCH', duration_ms: null },
    ]);
  });

  it('keeps secrets out of the file and the shipped batches, whatever shape they are logged in', async () => {
    const p = await open();
    const secrets = [
      'pw-1a2b3c',
      'cookie-4d5e6f',
      'bearer-7a8b9c0d',
      'plexhdr-1d2e3f',
      'plexqry-4a5b6c',
      'apikey-7d8e9f',
      'hook-1f2e3d',
      'sess-4c5b6a',
    ];
    p.logger.info({ password: secrets[0], body: { password: secrets[0] } }, 'login attempt');
    p.logger.info(
      {
        req: {
          url: `/api/v1/plex/x?X-Plex-Token=${secrets[4]}`,
          headers: {
            cookie: `medianest_session=${secrets[1]}`,
            authorization: `Bearer ${secrets[2]}`,
            'x-plex-token': secrets[3],
            'x-api-key': secrets[5],
          },
        },
      },
      'incoming',
    );
    p.logger.warn(
      {
        upstream: { config: { headers: { 'X-Plex-Token': secrets[3], 'X-Api-Key': secrets[5] } } },
        webhook_secret: secrets[6],
        sessionId: secrets[7],
      },
      'deep',
    );
    p.logger.error(
      { err: new Error(`GET http://plex:32400/status?X-Plex-Token=${secrets[4]} failed`) },
      `Plex said no to http://plex:32400/?X-Plex-Token=${secrets[4]}`,
    );
    await loki.waitFor((lines) => lines.length === 4);
    await p.close(2_000);

    const places = { file: readLogDir(logDir).join('\n'), loki: loki.bodies.join('\n') };
    for (const [where, text] of Object.entries(places)) {
      expect(text).toContain('[REDACTED]');
      for (const secret of secrets) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
    // What is not secret survives, so the lines stay useful.
    expect(places.file).toContain('http://plex:32400/status?X-Plex-Token=[REDACTED] failed');
  });

  it('rotates the file when it reaches 20 MB', async () => {
    const p = await open({ loki: undefined });
    const filler = 'x'.repeat(10_000);
    let written = 0;
    const deadline = Date.now() + 30_000;
    while (fs.readdirSync(logDir).length < 2) {
      if (Date.now() > deadline) throw new Error(`no rotation after ${written} lines`);
      // ~20 MB/s: busy, but a rate the disk absorbs (pino-roll switches files when the write buffer drains).
      for (let k = 0; k < 10; k++) p.logger.info({ filler, i: written++ }, 'filling');
      await new Promise((r) => setTimeout(r, 5));
    }
    await p.close(10_000);
    const files = fs.readdirSync(logDir).sort();
    for (const f of files) expect(f).toMatch(/^medianest\.\d{4}-\d{2}-\d{2}\.\d+\.log$/);
    const firstSize = fs.statSync(path.join(logDir, files[0]!)).size;
    expect(firstSize).toBeGreaterThanOrEqual(20 * 1024 * 1024);
    // The switch happens when the write buffer drains: on a busy machine a few MB more reach the old file first.
    // What matters is that the file was cut near its limit instead of growing on.
    expect(firstSize).toBeLessThan(30 * 1024 * 1024);
    expect(readLogDir(logDir)).toHaveLength(written);
  });

  it('writes a lone line to the file within a moment, without waiting for more lines to fill its chunk', async () => {
    const p = await open({ loki: undefined });
    p.logger.info({ event: 'lone.line' }, 'nothing else happens');
    await expect.poll(() => readLogDir(logDir).join('\n'), { timeout: 3_000 }).toContain('lone.line');
  });

  it('writes a burst of many chunks to the file whole and in order, the last part within a moment', async () => {
    const p = await open({ loki: undefined });
    const count = 500; // ~100 KB: a dozen chunks, some handed over while an earlier one is being written
    for (let i = 0; i < count; i++) p.logger.info({ event: 'burst.line', n: i, padding: 'x'.repeat(100) }, 'burst');
    const burstNumbers = () =>
      readLogDir(logDir)
        .filter((l) => l.includes('burst.line'))
        .map((l) => (JSON.parse(l) as { n: number }).n);
    await expect.poll(() => burstNumbers().length, { timeout: 3_000 }).toBe(count);
    const numbers = burstNumbers();
    expect(numbers).toEqual([...Array(count).keys()]);
  });

  it('still writes the buffered lines to the console and the file when the process dies of an uncaught exception', () => {
    // The built logger in a process of its own, which logs two lines and then crashes.
    const built = path.resolve(__dirname, '../../../dist/observability/logging/logger.js');
    const script = `
      const { createProcessLogger } = require(${JSON.stringify(built)});
      createProcessLogger({ level: 'info', version: '1', environment: 'test', format: 'json', logDir: ${JSON.stringify(logDir)} })
        .then((p) => {
          p.logger.info({ event: 'last.words' }, 'about to crash');
          p.logger.warn({ event: 'really.last.words' }, 'crashing now');
          setImmediate(() => { throw new Error('crashed on purpose'); });
        });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.status).toBe(1);
    expect(child.stderr).toContain('crashed on purpose');
    for (const output of [child.stdout, readLogDir(logDir).join('\n')]) {
      expect(output).toContain('"event":"last.words"');
      expect(output).toContain('"event":"really.last.words"');
    }
  });

  it('keeps logging (console and Loki) when LOG_DIR cannot be written, and says so', async () => {
    const notADirectory = path.join(logDir, 'a-file');
    fs.writeFileSync(notADirectory, '');
    const p = await open({ logDir: path.join(notADirectory, 'logs') });
    expect(p.file).toBeUndefined();
    p.logger.info('still here');
    await loki.waitFor((lines) => lines.some((l) => l.json?.message === 'still here'));
    expect(loki.lines.some((l) => l.json?.event === 'logging.file.unavailable')).toBe(true);
  });
});

describe('request logging with Loki down', () => {
  let app: TestApp;
  let loki: LokiReceiver;
  let logDir: string;
  let cookie: string;
  const previous = logger();

  beforeAll(async () => {
    app = await createTestApp();
    cookie = await loginCookie(app.app);
  });
  afterAll(async () => {
    setLogger(previous);
    await app.cleanup();
  });
  beforeEach(async () => {
    loki = await startLokiReceiver();
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-logs-'));
  });
  afterEach(async () => {
    setLogger(previous);
    await loki.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  const traffic = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(app.app).get('/api/v1/auth/session').set('Cookie', cookie);
      expect(res.status).toBe(200);
      ids.push(res.headers['x-request-id'] as string);
    }
    return ids;
  };

  it('writes one access line per request with its id, route template, status, duration and user; probes only at debug', async () => {
    const p = await createProcessLogger({
      level: 'info',
      version: 't',
      environment: 'test',
      format: 'json',
      console: false,
      logDir,
      loki: { url: loki.url, maxBufferLines: 1_000, ...FAST_LOKI },
    });
    setLogger(p.logger);
    const res = await request(app.app).get('/api/v1/auth/session').set('Cookie', cookie).set('X-Request-Id', 'client-chosen-id-1');
    expect(res.headers['x-request-id']).toBe('client-chosen-id-1');
    const bad = await request(app.app).get('/api/v1/auth/session').set('X-Request-Id', 'bad id with spaces');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Access lines are not scrubbed, so an id shaped like a credential is not taken either.
    const credential = 'X-Plex-Token:abcdef123456';
    const replaced = await request(app.app).get('/api/v1/auth/session').set('X-Request-Id', credential);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await request(app.app).get('/health/live');
    await p.close(2_000);

    const lines = readLogDir(logDir).map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lines.filter((l) => l.event === 'http.access');
    expect(access).toHaveLength(3);
    expect(readLogDir(logDir).join('\n')).not.toContain(credential);
    expect(access[0]).toMatchObject({
      request_id: 'client-chosen-id-1',
      method: 'GET',
      route: '/api/v1/auth/session',
      status: 200,
      duration_ms: expect.any(Number),
      user_id: expect.any(String),
      level: 'info',
    });
    expect(access[1]).toMatchObject({ request_id: bad.headers['x-request-id'], status: 401 });
    expect(lines.some((l) => l.route === '/health/live')).toBe(false);
  });

  it('answers every request while Loki is down, and ships every buffered line once it is back', async () => {
    const p = await createProcessLogger({
      level: 'info',
      version: 't',
      environment: 'test',
      format: 'json',
      console: false,
      logDir,
      loki: { url: loki.url, maxBufferLines: 1_000, ...FAST_LOKI },
    });
    setLogger(p.logger);
    loki.failWith(503);
    const ids = await traffic(40);
    await loki.goDown();
    ids.push(...(await traffic(40)));
    expect(loki.lines).toHaveLength(0);
    expect(p.loki!.bufferedLines).toBeGreaterThanOrEqual(80);

    loki.failWith(undefined);
    await loki.resume();
    await loki.waitFor((lines) => lines.some((l) => l.json?.event === 'loki.push.resumed'));
    await p.close(5_000);
    const fileLines = readLogDir(logDir);
    expect(loki.lines.map((l) => l.line)).toEqual(fileLines);
    const shipped = new Set(loki.lines.map((l) => l.json?.request_id));
    expect(ids.filter((id) => !shipped.has(id))).toEqual([]);
    expect(p.loki!.dropped).toBe(0);
  });

  it('drops lines beyond LOKI_BUFFER_LINES while Loki is down, counts them, and delivers the rest', async () => {
    const p = await createProcessLogger({
      level: 'info',
      version: 't',
      environment: 'test',
      format: 'json',
      console: false,
      logDir,
      loki: { url: loki.url, maxBufferLines: 100, ...FAST_LOKI },
    });
    setLogger(p.logger);
    const before = await droppedTotal();
    await loki.goDown();
    await traffic(150);
    const dropped = p.loki!.dropped;
    expect(dropped).toBeGreaterThanOrEqual(50);
    expect((await droppedTotal()) - before).toBe(dropped);

    await loki.resume();
    await p.close(5_000);
    const fileLines = readLogDir(logDir);
    const stored = loki.lines.map((l) => l.line);
    expect(stored.length + p.loki!.dropped).toBe(fileLines.length);
    const inFile = new Set(fileLines);
    expect(stored.every((line) => inFile.has(line))).toBe(true);
    // The oldest lines were kept: the first requests of the outage are in Loki.
    expect(stored[0]).toBe(fileLines[0]);
  });
});

describe('processLoggerOptions', () => {
  const isTTY = process.stdout.isTTY;
  afterEach(() => {
    process.stdout.isTTY = isTTY;
  });

  it('is readable in a developer terminal and JSON everywhere else', () => {
    process.stdout.isTTY = true;
    expect(processLoggerOptions(loadConfig({ NODE_ENV: 'development' })).format).toBe('pretty');
    expect(processLoggerOptions(loadConfig({ NODE_ENV: 'production' })).format).toBe('json');
    expect(processLoggerOptions(loadConfig({ NODE_ENV: 'development', LOG_FORMAT: 'json' })).format).toBe('json');
    process.stdout.isTTY = false;
    expect(processLoggerOptions(loadConfig({ NODE_ENV: 'development' })).format).toBe('json');
  });

  it('ships to Loki only when LOKI_URL is set, with the configured buffer bound, and writes files in LOG_DIR', () => {
    expect(processLoggerOptions(loadConfig({})).loki).toBeUndefined();
    const options = processLoggerOptions(
      loadConfig({ LOKI_URL: 'http://loki:3100/', LOKI_BUFFER_LINES: '500', LOG_DIR: '/var/log/medianest' }),
    );
    expect(options.loki).toEqual({ url: 'http://loki:3100', maxBufferLines: 500 });
    expect(options.logDir).toBe('/var/log/medianest');
  });
});

describe('createLogger', () => {
  it('keeps working for code that builds its own logger (tests, tools)', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      version: '1',
      environment: 'test',
      destination: { write: (s: string) => void lines.push(s) },
    });
    log.info({ token: 'abc-secret-1', url: '/x?X-Plex-Token=abc-secret-2' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/abc-secret/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'hello', token: '[REDACTED]', url: '/x?X-Plex-Token=[REDACTED]' });
  });
});

describe('writeAccessLine', () => {
  const previous = logger();
  afterEach(() => {
    setLogger(previous);
    vi.useRealTimers();
  });

  /** The line pino itself writes for the same fields, as access lines were written before. */
  function pinoLine(fields: Record<string, unknown>): string {
    const lines: string[] = [];
    const reference = pino(
      {
        base: { service: SERVICE_NAME, version: '1.2.3', environment: 'test', instance: 'box-1' },
        timestamp: pino.stdTimeFunctions.isoTime,
        messageKey: 'message',
        formatters: { level: (label) => ({ level: label }) },
      },
      { write: (s: string) => void lines.push(s) },
    );
    const { request_id, user_id, trace_id, span_id, ...rest } = fields;
    reference.info({ request_id, user_id, trace_id, span_id, event: 'http.access', ...rest }, 'request');
    return lines[0]!;
  }

  it('writes, byte for byte, the line pino writes for the same fields, whatever characters they hold', () => {
    const lines: string[] = [];
    setLogger(
      createLogger({
        level: 'info',
        version: '1.2.3',
        environment: 'test',
        instance: 'box-1',
        destination: { write: (s: string) => void lines.push(s) },
      }),
    );
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 7, 4, 5, 6, 7), toFake: ['Date'] });
    const cases = ACCESS_LINE_CASES;
    for (const fields of cases) {
      lines.length = 0;
      writeAccessLine('info', fields);
      expect(lines).toEqual([pinoLine(fields)]);
      vi.advanceTimersByTime(997); // across seconds and minutes: the time stamp's cached part follows
    }
  });

  it('keeps to the logger level: probe lines (debug) only when the level is debug', () => {
    const lines: string[] = [];
    const destination = { write: (s: string) => void lines.push(s) };
    const fields = { request_id: 'probe-request-1', method: 'GET', route: '/health/live', status: 200, duration_ms: 0.2 };
    setLogger(createLogger({ level: 'info', version: '1', environment: 'test', destination }));
    writeAccessLine('debug', fields);
    expect(lines).toEqual([]);
    setLogger(createLogger({ level: 'debug', version: '1', environment: 'test', destination }));
    writeAccessLine('debug', fields);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'debug', route: '/health/live' });
  });
});
