/**
 * What PUBLIC_URL (the URL members open) decides for browser sessions:
 * - an `https:` PUBLIC_URL means the site is only used over HTTPS, so cookies
 *   are always `Secure` (even when the TLS proxy in front is not trusted to say
 *   so) and responses carry HSTS. Without it, cookies are `Secure` whenever the
 *   request itself came over HTTPS, so plain-http LAN installs keep working;
 * - the origins a browser page may open a realtime connection from: PUBLIC_URL's
 *   when set, otherwise the page's own host (the one the request was sent to).
 */
import type { Request } from 'express';

const HTTPS_ONLY_SETTING = 'medianest https only';

export function isHttpsUrl(url: string | undefined): boolean {
  return url !== undefined && url.toLowerCase().startsWith('https:');
}

/** Called by buildApp: every cookie of this app is Secure when PUBLIC_URL is https. */
export function setHttpsOnly(app: { set(setting: string, value: unknown): unknown }, publicUrl: string | undefined): void {
  app.set(HTTPS_ONLY_SETTING, isHttpsUrl(publicUrl));
}

/** Whether a cookie set in answer to this request gets the `Secure` attribute. */
export function secureCookies(req: Request): boolean {
  return req.secure || req.app?.get(HTTPS_ONLY_SETTING) === true;
}

/** Options of a short-lived, httpOnly sign-in cookie scoped to `path` (a Plex PIN, an OIDC state). */
export function flowCookieOptions(req: Request, path: string, maxAgeMs?: number) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: secureCookies(req),
    path,
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

/**
 * Whether a browser page at `origin` may open a connection to this server:
 * PUBLIC_URL's origin when configured, otherwise an origin whose host (and
 * port) is the Host the request was sent to. No Origin at all is a non-browser
 * client, which the session cookie alone authenticates.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string | undefined): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (publicUrl !== undefined) return parsed.origin === new URL(publicUrl).origin;
  return host !== undefined && parsed.host === host.toLowerCase();
}
