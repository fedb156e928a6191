import { describe, expect, it } from 'vitest';
import { AS_JSON, ESCAPED_IN_STRING, isoTime } from './log-text';

describe('isoTime', () => {
  it('reads as Date#toISOString, within a second, across seconds and days, and when the clock goes back', () => {
    const start = Date.UTC(2026, 11, 31, 23, 59, 58, 0);
    const moments = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1999, 2000, 2042, 500, 86_400_000 + 7, 3].map((d) => start + d);
    for (const now of moments) expect(isoTime(now)).toBe(new Date(now).toISOString());
  });
});

describe('the access line spellings', () => {
  const values = ['', 'GET', '/api/v1/media/:id', 'a"b', 'back\\slash', 'tab\there', 'ünï', '\u2028', '\ud800', '~ !#[]', '\x7f', '🎬'];

  it('as JSON: what goes between the quotes of JSON.stringify', () => {
    for (const value of values) expect(`"${AS_JSON.content(value)}"`).toBe(JSON.stringify(value));
  });

  it('escaped in a string: the JSON string of that JSON string, as its content', () => {
    for (const value of values) {
      const line = `{${ESCAPED_IN_STRING.quote}k${ESCAPED_IN_STRING.quote}:${ESCAPED_IN_STRING.quote}${ESCAPED_IN_STRING.content(value)}${ESCAPED_IN_STRING.quote}}`;
      expect(`"${line}"`).toBe(JSON.stringify(JSON.stringify({ k: value })));
    }
  });
});
