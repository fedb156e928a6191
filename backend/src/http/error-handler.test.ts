/**
 * A client's mistake is a 4xx with a JSON body naming it, never a 500 with a
 * stack trace in the log: broken percent-encoding in a path, a body declared
 * gzip that is not gzip, and the other errors Express and its body parsers
 * raise with an HTTP status of their own.
 */
import fs from 'node:fs';
import path_ from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTEND_DIST } from '../app';
import { AppError } from '../errors';
import { createTestApp, type TestApp } from '../../test/context';
import { captureLogs, type CapturedLog } from '../../test/metrics-helpers';
import { errorHandler } from './error-handler';

let t: TestApp;
let logs: CapturedLog;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.cleanup();
});

function errorLines(log: CapturedLog) {
  return log.lines.filter((l) => (typeof l.level === 'number' ? l.level >= 50 : l.level === 'error' || l.level === 'fatal'));
}

describe('client mistakes', () => {
  it.each([
    ['/%zz', 'GET'],
    ['/api/v1/admin/users/%zz', 'PATCH'],
    ['/api/v1/media/requests/%E0%A4%A', 'GET'],
    ['/anything/%', 'GET'],
  ])('%s (%s) with broken percent-encoding is a 400 naming the problem', async (path, method) => {
    logs = captureLogs('debug');
    try {
      const agent = request(t.app);
      const send = method === 'PATCH' ? agent.patch(path) : agent.get(path);
      const res = await send.set('accept', 'text/html,application/json').set('X-Requested-With', 'XMLHttpRequest');
      // Outside /api the web app's fallback route decodes the path when the web app is built; without it, nothing matches.
      const webAppBuilt = fs.existsSync(path_.join(FRONTEND_DIST, 'index.html'));
      expect(res.status).toBe(path.startsWith('/api/') || webAppBuilt ? 400 : 404);
      if (res.status === 400) {
        expect(res.body.error.code).toBe('BAD_REQUEST');
        expect(res.body.error.message).toMatch(/decode/i);
      }
      expect(errorLines(logs)).toEqual([]);
    } finally {
      logs.restore();
    }
  });

  it.each([
    ['gzip', Buffer.from('{"username":"admin","password":"x"}')],
    ['gzip', gzipSync(Buffer.from('{"username":"admin","password":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}')).subarray(0, 20)],
    ['deflate', Buffer.from('not deflate at all')],
    ['br', Buffer.from('\u00ff\u00ff\u00ff not brotli')],
  ])('a body declared %s that is not is a 400', async (encoding, body) => {
    logs = captureLogs('debug');
    try {
      const res = await request(t.app)
        .post('/api/v1/auth/login')
        .set('content-type', 'application/json')
        .set('content-encoding', encoding)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST' });
      expect(res.body.error.message).toMatch(/body/i);
      expect(errorLines(logs)).toEqual([]);
    } finally {
      logs.restore();
    }
  });

  it('an unknown content encoding is a 415', async () => {
    const res = await request(t.app)
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .set('content-encoding', 'zstd-ish')
      .send('{}');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('errors that carry an HTTP status (http-errors style)', () => {
  const appWith = (err: unknown) => {
    const app = express();
    app.get('/x', () => {
      throw err;
    });
    app.use(errorHandler);
    return app;
  };

  it('keeps an exposed 4xx status and message', async () => {
    const err = Object.assign(new Error('Range Not Satisfiable'), { status: 416, statusCode: 416, expose: true });
    const res = await request(appWith(err)).get('/x');
    expect(res.status).toBe(416);
    expect(res.body).toEqual({ error: { code: 'BAD_REQUEST', message: 'Range Not Satisfiable' } });
  });

  it('maps statusCode-only errors and hides unexposed messages', async () => {
    const err = Object.assign(new Error('secret internals'), { statusCode: 404, expose: false });
    const res = await request(appWith(err)).get('/x');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.body.error.message).not.toContain('secret');
  });

  it('still answers a status of 5xx, or none, with a generic 500', async () => {
    for (const err of [
      Object.assign(new Error('boom'), { status: 502, expose: false }),
      new Error('plain'),
      Object.assign(new Error('odd'), { status: 99 }),
    ]) {
      logs = captureLogs('debug');
      try {
        const res = await request(appWith(err)).get('/x');
        expect(res.status).toBe(500);
        expect(res.body.error.code).toBe('INTERNAL');
        expect(errorLines(logs)).toHaveLength(1);
      } finally {
        logs.restore();
      }
    }
  });

  it("answers Node's HTTP parser errors (a request cut off mid-body) with a 400, logged below error level", async () => {
    logs = captureLogs('debug');
    try {
      const err = Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_EOF_STATE', reason: 'Invalid EOF state' });
      const res = await request(appWith(err)).get('/x');
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code: 'BAD_REQUEST', message: 'The request could not be parsed as HTTP' });
      expect(errorLines(logs)).toEqual([]);
    } finally {
      logs.restore();
    }
  });

  it('leaves AppErrors as they are', async () => {
    const res = await request(appWith(AppError.conflict('taken'))).get('/x');
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'CONFLICT', message: 'taken' });
  });
});
