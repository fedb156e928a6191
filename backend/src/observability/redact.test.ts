import { describe, expect, it } from 'vitest';
import { isSensitiveName, mayHoldSecret, redactText, registerSecret, sanitizeUrl, scrubJsonLine } from './redact';

describe('sanitizeUrl', () => {
  it.each([
    ['http://plex:32400/library/sections?X-Plex-Token=abc123XYZ', 'http://plex:32400/library/sections?X-Plex-Token=[REDACTED]'],
    ['http://plex:32400/a?type=1&X-Plex-Token=abc123&sort=title', 'http://plex:32400/a?type=1&X-Plex-Token=[REDACTED]&sort=title'],
    ['/api/v1/status?x-plex-token=lower', '/api/v1/status?x-plex-token=[REDACTED]'],
    ['https://overseerr/api?apiKey=k1&api_key=k2', 'https://overseerr/api?apiKey=[REDACTED]&api_key=[REDACTED]'],
    [
      'http://h/x?token=t&access_token=t2&password=p&sig=s',
      'http://h/x?token=[REDACTED]&access_token=[REDACTED]&password=[REDACTED]&sig=[REDACTED]',
    ],
    ['postgres://medianest:hunter22@db:5432/medianest', 'postgres://medianest:[REDACTED]@db:5432/medianest'],
    ['X-Plex-Token=bare-query&x=1', 'X-Plex-Token=[REDACTED]&x=1'],
    ['http://plex:32400/library/sections/1/all?type=1', 'http://plex:32400/library/sections/1/all?type=1'],
  ])('%s', (input, expected) => {
    expect(sanitizeUrl(input)).toBe(expected);
  });
});

describe('redactText', () => {
  it('removes secrets embedded in error messages and stacks', () => {
    const message = 'fetch failed for http://plex:32400/status?X-Plex-Token=tok-123 (Authorization: Bearer abcdef123456)';
    const out = redactText(message);
    expect(out).not.toContain('tok-123');
    expect(out).not.toContain('abcdef123456');
    expect(out).toContain('http://plex:32400/status?X-Plex-Token=[REDACTED]');
  });

  it('removes header-style pairs and basic credentials', () => {
    expect(redactText('sent X-Plex-Token: tok-9 and X-Api-Key=key-9')).toBe('sent X-Plex-Token: [REDACTED] and X-Api-Key=[REDACTED]');
    expect(redactText('Cookie: medianest_session=s3cr3t; theme=dark')).toBe('Cookie: [REDACTED]');
    expect(redactText('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: Basic [REDACTED]');
  });

  it('leaves ordinary prose and paths alone', () => {
    for (const text of ['Basic authentication is off', 'GET /api/v1/auth/login 200', 'session expired for user 42']) {
      expect(redactText(text)).toBe(text);
    }
  });
});

describe('scrubJsonLine', () => {
  it('redacts members named like secrets at any depth, whatever their value type', () => {
    const line = JSON.stringify({
      message: 'upstream failed',
      err: { config: { headers: { 'X-Plex-Token': 'deep-token', 'X-Api-Key': 'deep-key', Authorization: 'Bearer deepbearer1' } } },
      webhook_secret: 'hook-secret',
      session_id: 'sess-1',
      'set-cookie': ['a=1', 'b=2'],
      cookies: { medianest_session: 'c1' },
      pinCode: 1234,
      plexToken: 98765,
    });
    const out = scrubJsonLine(line);
    for (const secret of ['deep-token', 'deep-key', 'deepbearer1', 'hook-secret', 'sess-1', 'a=1', 'c1', '98765']) {
      expect(out).not.toContain(secret);
    }
    expect(JSON.parse(out)).toMatchObject({ message: 'upstream failed', pinCode: 1234, webhook_secret: '[REDACTED]' });
  });

  it('keeps the line valid JSON and untouched when there is nothing to redact', () => {
    const line = JSON.stringify({ level: 'info', message: 'request', route: '/api/v1/media/search', status: 200 }) + '\n';
    expect(scrubJsonLine(line)).toBe(line);
  });

  it('redacts URL secrets inside string values', () => {
    const line = JSON.stringify({ message: 'GET http://plex/x?X-Plex-Token=t0k failed', url: '/p?api_key=k' });
    expect(JSON.parse(scrubJsonLine(line))).toEqual({
      message: 'GET http://plex/x?X-Plex-Token=[REDACTED] failed',
      url: '/p?api_key=[REDACTED]',
    });
  });
});

describe('mayHoldSecret', () => {
  it('is true for credential shapes and registered secrets, false for plain ids', () => {
    expect(mayHoldSecret('X-Plex-Token:abcdef123456')).toBe(true);
    expect(mayHoldSecret('api_key=abc')).toBe(true);
    registerSecret('s3cret-webhook-part-xyz');
    expect(mayHoldSecret('req-s3cret-webhook-part-xyz')).toBe(true);
    expect(mayHoldSecret('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(false);
    expect(mayHoldSecret('client-chosen-id-1')).toBe(false);
  });
});

describe('isSensitiveName', () => {
  it.each([
    'password',
    'newPassword',
    'x-plex-token',
    'authToken',
    'X-Api-Key',
    'apiKey',
    'webhookSecret',
    'cookie',
    'set-cookie',
    'sessionId',
    'medianest_session',
    'http.request.header.authorization',
  ])('%s is sensitive', (name) => expect(isSensitiveName(name)).toBe(true));
  it.each(['username', 'tokens_used', 'route', 'session_count', 'cacheKey'])('%s is not', (name) =>
    expect(isSensitiveName(name)).toBe(false),
  );
});
