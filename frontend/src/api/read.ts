/**
 * Small readers for JSON of unknown shape: the pages render what the server
 * sends without trusting it to be exactly what they expect.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** The first of `keys` present on the object. */
export function field(obj: JsonObject, ...keys: string[]): unknown {
  for (const key of keys) {
    if (obj[key] !== undefined && obj[key] !== null) return obj[key];
  }
  return undefined;
}

/** An array found directly or under one of `keys` (`{ results: [...] }`). */
export function list(value: unknown, ...keys: string[]): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) {
    for (const key of keys) {
      const inner = value[key];
      if (Array.isArray(inner)) return inner;
    }
  }
  return [];
}

export function objects(value: unknown, ...keys: string[]): JsonObject[] {
  return list(value, ...keys).filter(isObject);
}

/** Turns camelCase / snake_case keys into words for display ("p95Ms" → "p95 ms"). */
export function humanize(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/^./, (c) => c.toUpperCase());
}
