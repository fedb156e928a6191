import { describe, expect, it } from 'vitest';
import { OpsWindow } from './ops-window';
import { recentErrors, recordLogLine, RECENT_ERRORS_KEPT } from '../logging/recent-errors';

describe('OpsWindow', () => {
  it('reports rate, 5xx share and p95 over the last 5 and 60 minutes', () => {
    // The process started two hours ago.
    let now = Date.UTC(2024, 0, 1, 10, 0, 0);
    const w = new OpsWindow(() => now);
    // 30 minutes ago: 100 fast requests, all fine.
    now += 90 * 60_000;
    for (let i = 0; i < 100; i++) w.record(0.004, 200);
    now += 30 * 60_000;
    // Now: 95 requests of 40 ms, 5 slow 5xx of 2 s, and 4xx / client aborts that are not errors.
    for (let i = 0; i < 95; i++) w.record(0.04, i % 10 === 0 ? 404 : 200);
    for (let i = 0; i < 5; i++) w.record(2, 503);
    w.record(0.04, 499);

    const last5 = w.summary(5);
    expect(last5.requests).toBe(101);
    expect(last5.errorRate).toBeCloseTo(5 / 101, 6);
    expect(last5.requestsPerSecond).toBeCloseTo(101 / 300, 3);
    // The 95th percentile falls in the 25–50 ms bucket (96 of 101 requests are at most 50 ms).
    expect(last5.p95Ms).toBeGreaterThan(25);
    expect(last5.p95Ms).toBeLessThanOrEqual(50);

    const last60 = w.summary(60);
    expect(last60.requests).toBe(201);
    expect(last60.errorRate).toBeCloseTo(5 / 201, 6);
    expect(last60.requestsPerSecond).toBeCloseTo(201 / 3600, 3);

    // An hour and a bit later everything has left the window.
    now += 61 * 60_000;
    expect(w.summary(60)).toMatchObject({ requests: 0, errorRate: null, p95Ms: null });
  });

  it('puts slow requests in the top bucket', () => {
    const w = new OpsWindow(() => 0);
    for (let i = 0; i < 10; i++) w.record(30, 200);
    expect(w.summary(5).p95Ms).toBe(10_000);
  });
});

describe('recent error log lines', () => {
  it('keeps error and fatal lines with their trace ids, newest first, bounded', () => {
    recordLogLine(JSON.stringify({ level: 'info', message: 'fine' }));
    recordLogLine('not json at all');
    recordLogLine(
      JSON.stringify({
        level: 'error',
        time: '2024-01-01T00:00:00.000Z',
        message: 'Boom',
        event: 'x.failed',
        trace_id: 'a'.repeat(32),
        span_id: 'b'.repeat(16),
        request_id: 'req-1',
        err: { type: 'Error', message: 'kaput' },
      }),
    );
    recordLogLine(JSON.stringify({ level: 60, time: 1_704_067_200_000, msg: 'Dying' }));
    const [fatal, error] = recentErrors();
    expect(fatal).toMatchObject({ level: 'fatal', message: 'Dying', time: '2024-01-01T00:00:00.000Z', traceId: null });
    expect(error).toEqual({
      time: '2024-01-01T00:00:00.000Z',
      level: 'error',
      message: 'Boom',
      event: 'x.failed',
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      requestId: 'req-1',
      error: 'Error: kaput',
    });
    for (let i = 0; i < RECENT_ERRORS_KEPT + 10; i++) recordLogLine(JSON.stringify({ level: 'error', message: `n${i}` }));
    const kept = recentErrors();
    expect(kept).toHaveLength(RECENT_ERRORS_KEPT);
    expect(kept[0]!.message).toBe(`n${RECENT_ERRORS_KEPT + 9}`);
  });
});
