/**
 * API errors in the member's words: the reason (`details.reason`) when the web app knows it, else
 * the stable code, else a sentence for the status — translated, and never the server's English
 * `message`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { i18next } from '../i18n';
import { ApiError, errorMessage } from './client';

afterEach(async () => {
  await i18next.changeLanguage('en');
});

describe('errorMessage', () => {
  it('words a refused request by its reason, not by the English message', () => {
    const quota = new ApiError(403, 'QUOTA_EXCEEDED', 'Overseerr refused the request: Quota exceeded', { reason: 'QUOTA_EXCEEDED' });
    expect(errorMessage(quota)).toBe(
      'You have used up your request quota for now. The badge beside the button shows when the next request frees up.',
    );
    const blocked = new ApiError(409, 'CONFLICT', 'Dune is blocklisted in Overseerr', { reason: 'BLOCKLISTED' });
    expect(errorMessage(blocked)).toBe('The server owner has blocked this title, so it cannot be requested.');
  });

  it('falls back to the code, then to the status, for reasons and codes it does not know', () => {
    expect(errorMessage(new ApiError(429, 'RATE_LIMITED', 'Too many requests', { retryAfterSeconds: 3 }))).toBe(
      'Too many attempts. Wait a moment and try again.',
    );
    expect(errorMessage(new ApiError(409, 'CONFLICT', 'something new', { reason: 'SOMETHING_NEW' }))).toBe(
      'This cannot be done in the current state. Reload the page and try again.',
    );
    expect(errorMessage(new ApiError(418, 'TEAPOT', 'I am a teapot'))).toBe('MediaNest could not do this (error 418).');
    expect(errorMessage(new ApiError(502, 'BAD_GATEWAY', 'proxy says no'))).toBe(
      'MediaNest could not complete this (error 502). Try again later.',
    );
    expect(errorMessage(new ApiError(0, 'NETWORK', 'offline'))).toBe('Cannot reach MediaNest. Check your connection and try again.');
  });

  it('names the service that is down when the server says which', () => {
    expect(
      errorMessage(new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'Overseerr is unavailable right now (timeout)', { service: 'overseerr' })),
    ).toBe('Overseerr is unavailable right now. Try again in a moment.');
  });

  it('speaks the member’s language', async () => {
    await i18next.changeLanguage('de');
    expect(errorMessage(new ApiError(401, 'INVALID_CREDENTIALS', 'Wrong username or password'))).toBe(
      'Benutzername oder Passwort ist falsch.',
    );
    expect(errorMessage(new ApiError(409, 'CONFLICT', 'You already requested Dune', { reason: 'DUPLICATE_REQUEST' }))).toBe(
      'Du hast diesen Titel bereits angefragt.',
    );
    await i18next.changeLanguage('es');
    expect(errorMessage(new ApiError(500, 'INTERNAL', 'boom'))).toBe('Algo ha fallado en el servidor. Inténtalo más tarde.');
    expect(errorMessage('thrown string')).toBe('Algo ha salido mal. Inténtalo de nuevo.');
  });
});
