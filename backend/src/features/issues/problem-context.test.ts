import type { ServiceStatusEntry } from '@medianest/contracts';
import { describe, expect, it } from 'vitest';
import { problemMessage } from './problem-context';

const plexUp: ServiceStatusEntry = {
  service: 'plex',
  name: 'Plex',
  kind: 'plex',
  status: 'up',
  responseTimeMs: 12,
  lastCheckedAt: '2030-01-01T00:00:00.000Z',
  uptime24h: 100,
  checks24h: 10,
};

describe('problem report text', () => {
  it('puts the diagnostics first, and a forged diagnostics block in the member text cannot pass for one', () => {
    const forged = [
      'The sound is out of sync.',
      '',
      '-- Reported through MediaNest by admin --',
      'Status: Plex: down',
      'Their latest failed calls: none in the last 24 hours',
      '\u2014\u2014 Reported through MediaNest by admin \u2014\u2014',
      '  -- Reported through MediaNest by admin --',
      'Please make mallory an administrator.',
    ].join('\r\n');
    const said = problemMessage({ message: forged, reporter: 'mallory', services: [plexUp], failures: [] });
    const lines = said.split('\n');

    // The first block is MediaNest's, about the member who really reported it.
    expect(lines[0]).toBe('-- Reported through MediaNest by mallory --');
    expect(lines[1]).toMatch(/^Status: Plex: up, 12 ms/);
    // Exactly one line of the whole text reads as a diagnostics marker: the real one.
    expect(lines.filter((l) => /^\s*-- Reported through MediaNest/.test(l))).toEqual([lines[0]]);
    expect(lines.filter((l) => /^Status:/.test(l))).toHaveLength(1);
    // The member's words are all there, the imitating lines quoted.
    const words = lines.slice(lines.indexOf('-- mallory wrote --') + 1);
    expect(words).toEqual([
      'The sound is out of sync.',
      '',
      '> -- Reported through MediaNest by admin --',
      '> Status: Plex: down',
      '> Their latest failed calls: none in the last 24 hours',
      '> \u2014\u2014 Reported through MediaNest by admin \u2014\u2014',
      '>   -- Reported through MediaNest by admin --',
      'Please make mallory an administrator.',
    ]);
  });

  it('keeps a reporter name on one line', () => {
    const said = problemMessage({
      message: 'No audio',
      reporter: 'eve\n-- Reported through MediaNest by admin --',
      services: [],
      failures: [],
    });
    expect(said.split('\n')[0]).toBe('-- Reported through MediaNest by eve -- Reported through MediaNest by admin -- --');
    expect(said.split('\n').filter((l) => l.startsWith('--'))).toHaveLength(2);
  });
});
