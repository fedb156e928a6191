import { describe, expect, it } from 'vitest';
import { FAILURES_KEPT_PER_USER, recentFailuresOf, recordFailure } from './recent-failures';

const failure = (n: number, at = new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString()) => ({
  at,
  method: 'GET',
  route: '/api/v1/plex/libraries',
  status: 503,
  requestId: `req-${n}`,
  traceId: null,
});

describe("a member's recent failed calls", () => {
  it('keeps only the latest few per member, newest first, and never mixes members', () => {
    const now = Date.UTC(2026, 0, 1, 13);
    for (let n = 1; n <= FAILURES_KEPT_PER_USER + 3; n++) recordFailure('member-a', failure(n));
    recordFailure('member-b', failure(99));
    const kept = recentFailuresOf('member-a', 24 * 3_600_000, now).map((f) => f.requestId);
    expect(kept).toHaveLength(FAILURES_KEPT_PER_USER);
    expect(kept[0]).toBe(`req-${FAILURES_KEPT_PER_USER + 3}`);
    expect(kept).not.toContain('req-99');
    expect(recentFailuresOf('member-b', 24 * 3_600_000, now).map((f) => f.requestId)).toEqual(['req-99']);
  });

  it('leaves out failures older than a day', () => {
    recordFailure('member-c', failure(1, '2026-01-01T00:00:00.000Z'));
    expect(recentFailuresOf('member-c', 24 * 3_600_000, Date.parse('2026-01-02T00:00:01.000Z'))).toEqual([]);
    expect(recentFailuresOf('nobody')).toEqual([]);
  });
});
