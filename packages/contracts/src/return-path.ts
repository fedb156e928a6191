/**
 * A path on this site to return to after signing in: only a local path (not `//host`, not `/\host`,
 * which browsers read as another host), and never back to the sign-in page itself; anything else → '/'.
 * Zod-free: the web app's sign-in page and the server's OpenID Connect start use the same check.
 */
export function safeReturnPath(from: unknown): string {
  return typeof from === 'string' && /^\/(?![/\\])/.test(from) && !from.startsWith('/login') && from.length <= 2000 ? from : '/';
}
