/** Notification words in the member's language: the request outcomes by media type, outages with their duration, English by default. */
import { describe, expect, it } from 'vitest';
import { formatDuration, incidentMessage, requestMessage } from './messages';

const incident = {
  id: 1,
  service: 'plex',
  name: 'Plex',
  startedAt: '2026-12-06T10:00:00.000Z',
  endedAt: '2026-12-06T12:05:00.000Z',
  durationSeconds: 2 * 3600 + 5 * 60,
  affects: ['Streaming'],
  maintenance: false,
  cause: null,
};

describe('notification messages', () => {
  it('are English for a member without a language', () => {
    expect(requestMessage('request.approved', 'Inception', 'movie', null)).toEqual({
      title: 'Approved: Inception',
      body: 'Your request for the movie "Inception" was approved. You will hear when it is ready to watch.',
    });
  });

  it('speak German to a German member, with the right article for a show', () => {
    expect(requestMessage('request.approved', 'Dark', 'tv', 'de')).toEqual({
      title: 'Genehmigt: Dark',
      body: 'Deine Anfrage für die Serie „Dark“ wurde genehmigt. Du erfährst, sobald sie bereit zum Anschauen ist.',
    });
    expect(requestMessage('request.available', 'Dark', 'tv', 'de').title).toBe('Bereit zum Anschauen: Dark');
  });

  it('say how long an outage lasted in the member’s language', () => {
    expect(incidentMessage(incident, 'fr')).toEqual({
      title: 'Plex est de retour',
      // Intl puts a no-break space between a number and its unit.
      body: 'Plex fonctionne de nouveau après 2\u00a0heures et 5 minutes. De nouveau disponible : Streaming.',
    });
    expect(formatDuration(90, 'es')).toBe('2 minutos');
    expect(formatDuration(45)).toBe('45 seconds');
  });
});
