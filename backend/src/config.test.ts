import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const MAIN = path.resolve(__dirname, '../dist/main.js');

describe('configuration', () => {
  it('uses the documented defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(4000);
    expect(c.METRICS_PORT).toBe(9090);
    expect(c.PROMETHEUS_ENABLED).toBe(true);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.PLEX_TV_URL).toBe('https://plex.tv');
    expect(c.OTEL_TRACES_SAMPLER_ARG).toBe(1);
    expect(c.logDir).toBe(path.join(c.dataDir, 'logs'));
  });

  it('accepts JAEGER_ENDPOINT as an alias of the OTLP endpoint', () => {
    expect(loadConfig({ JAEGER_ENDPOINT: 'http://jaeger:4318' }).otlpEndpoint).toBe('http://jaeger:4318');
  });

  it.each([
    ['PORT', 'abc', /PORT must be a port number/],
    ['PORT', '70000', /PORT must be a port number/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['REDIS_URL', 'http://redis', /REDIS_URL must start with redis:\/\//],
    ['PROMETHEUS_ENABLED', 'maybe', /PROMETHEUS_ENABLED must be true or false/],
    ['OTEL_TRACES_SAMPLER_ARG', '2', /OTEL_TRACES_SAMPLER_ARG/],
    ['ADMIN_PASSWORD', 'short', /ADMIN_PASSWORD must be at least 8 characters/],
    ['PLEX_URL', 'not a url', /PLEX_URL must be a URL/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrowError(message);
  });

  it('stops the process with one line and exit code 1 on a bad value', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('medianest: Invalid configuration: PORT must be a port number (0-65535), got "abc"');
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
