/**
 * Token checks must not reveal the expected token's length: a guess of the
 * wrong length has to go through the same constant-time comparison as one of
 * the right length. Every place that checks a token sent to MediaNest is
 * exercised with guesses of other lengths, and the comparison it reaches is
 * observed.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alertsRouter } from './features/alerts/alerts.routes';
import { webhookAuthorized } from './features/webhooks/overseerr-webhook';
import { errorHandler } from './http/error-handler';
import { createMetricsServer } from './observability/metrics/metrics-server';
import { bearerMatches, secretsEqual } from './secret-compare';

// vi.mock is hoisted above the imports, so the modules under test get the observed comparison.
const compared = vi.hoisted(() => ({ lengths: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.lengths.push([a.byteLength, b.byteLength]);
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

const TOKEN = 'correct-horse-battery-staple-0123456789';
const GUESSES = ['', 'x', `Bearer ${TOKEN.slice(0, 5)}`, `Bearer ${TOKEN}${'z'.repeat(40)}`, `Bearer ${'y'.repeat(TOKEN.length)}`];

afterEach(() => {
  compared.lengths.length = 0;
});

/** Each guess reached a timingSafeEqual of two equal, fixed-length (SHA-256) values. */
function expectConstantTimeFor(guesses: number) {
  expect(compared.lengths.length).toBeGreaterThanOrEqual(guesses);
  for (const [a, b] of compared.lengths) expect([a, b]).toEqual([32, 32]);
}

describe('secretsEqual', () => {
  it('is true only for the same secret, whatever the lengths', () => {
    expect(secretsEqual(TOKEN, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    for (const guess of [...GUESSES, TOKEN.slice(0, -1), `${TOKEN} `, undefined]) expect(secretsEqual(guess, TOKEN)).toBe(false);
    expect(secretsEqual(undefined, '')).toBe(false);
    expectConstantTimeFor(GUESSES.length + 3);
  });
});

describe('token checks compare in constant time, length included', () => {
  it('the /metrics bearer token', async () => {
    const server = createMetricsServer({ token: TOKEN });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      for (const guess of GUESSES) {
        const res = await fetch(url, { headers: guess ? { authorization: guess } : {} });
        expect(res.status).toBe(401);
      }
      expectConstantTimeFor(GUESSES.length);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the Alertmanager webhook token', async () => {
    const app = express();
    app.use('/api/v1/alerts', alertsRouter({ upsert: async () => undefined } as never, TOKEN));
    app.use(errorHandler);
    for (const guess of GUESSES) {
      const req = request(app).post('/api/v1/alerts/webhook').set('content-type', 'application/json');
      const res = await (guess ? req.set('authorization', guess) : req).send('{}');
      expect(res.status).toBe(401);
    }
    expectConstantTimeFor(GUESSES.length);
  });

  it('the Overseerr webhook secret', () => {
    for (const guess of GUESSES.filter(Boolean)) expect(webhookAuthorized(guess, TOKEN)).toBe(false);
    expect(webhookAuthorized(TOKEN, TOKEN)).toBe(true);
    expect(webhookAuthorized(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expectConstantTimeFor(GUESSES.length - 1);
  });
});
