import { describe, expect, it } from 'vitest';
import { isoTime, jsonString } from './log-text';

describe('isoTime', () => {
  it('reads as Date#toISOString, within a second, across seconds and days, and when the clock goes back', () => {
    const start = Date.UTC(2026, 11, 31, 23, 59, 58, 0);
    const moments = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1999, 2000, 2042, 500, 86_400_000 + 7, 3].map((d) => start + d);
    for (const now of moments) expect(isoTime(now)).toBe(new Date(now).toISOString());
  });
});

describe('jsonString', () => {
  it('is JSON.stringify, for plain ids and for text that needs escaping', () => {
    for (const value of ['', 'GET', '/api/v1/media/:id', 'a"b', 'back\\slash', 'tab\there', 'ünï', '\u2028', '\ud800', '~ !#[]']) {
      expect(jsonString(value)).toBe(JSON.stringify(value));
    }
  });
});
