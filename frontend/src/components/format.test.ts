/** Dates, relative times, numbers, sizes and durations in the member's language (English and German), through Intl. */
import { afterEach, describe, expect, it } from 'vitest';
import { i18next } from '../i18n';
import { formatAgo, formatBytes, formatDate, formatDuration, formatMs, formatNumber, formatPercent } from './format';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

afterEach(async () => {
  await i18next.changeLanguage('en');
});

describe('formatting in English', () => {
  it('words relative times, then the date after a week', () => {
    expect(formatAgo(ago(30), NOW)).toBe('30 seconds ago');
    expect(formatAgo(ago(180), NOW)).toBe('3 minutes ago');
    expect(formatAgo(ago(86400), NOW)).toBe('yesterday');
    expect(formatAgo(ago(30 * 86400), NOW)).toBe(formatDate(ago(30 * 86400)));
    expect(formatAgo(null)).toBe('—');
  });

  it('formats numbers, percentages, sizes and durations', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatPercent(42.4)).toBe('42%');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatMs(250)).toBe('250 ms');
    expect([45 * 60, 3 * 3600, 3 * 3600 + 20 * 60, 30 * 3600, 3 * 86400 + 4 * 3600, 21 * 86400].map(formatDuration)).toEqual([
      '45 min',
      '3 hr',
      '3 hr 20 min',
      '30 hr',
      '3 days 4 hr',
      '3 weeks',
    ]);
  });
});

describe('formatting in German', () => {
  it('uses German words, separators and units', async () => {
    await i18next.changeLanguage('de');
    expect(formatAgo(ago(180), NOW)).toBe('vor 3 Minuten');
    expect(formatAgo(ago(86400), NOW)).toBe('gestern');
    expect(formatNumber(1234567)).toBe('1.234.567');
    expect(formatPercent(42.4)).toBe('42\u00a0%');
    expect(formatBytes(1.5 * 1024 * 1024 * 1024)).toBe('1,5\u00a0GB');
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe('3 Std., 20 Min.');
    expect(formatDate('2026-12-03T14:00:00Z')).toBe('03.12.2026');
  });
});
