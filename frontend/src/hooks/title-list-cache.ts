/**
 * The rows of titles this tab has loaded, kept in memory for the session:
 * coming back to Discover shows them at once, and while Overseerr does not
 * answer the page still shows what it had. Bounded: the oldest entries go
 * first. Keys carry the member's id, so another member signing in on the same
 * tab never sees them.
 */
const MAX_ENTRIES = 200;
const entries = new Map<string, unknown>();

export function remembered<T>(key: string | undefined): T | undefined {
  return key === undefined ? undefined : (entries.get(key) as T | undefined);
}

export function remember<T>(key: string | undefined, value: T): void {
  if (key === undefined) return;
  entries.delete(key);
  entries.set(key, value);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}
