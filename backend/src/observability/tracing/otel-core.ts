/**
 * @opentelemetry/core, loaded on its first use. Only code that runs with tracing on uses it (deferred
 * spans, the suppression check under a recording span), so with tracing off it is never loaded, nor
 * the semantic conventions it brings: ~30 ms of every start.
 */
type Core = typeof import('@opentelemetry/core');

let core: Core | undefined;

export function otelCore(): Core {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- on first use: a static import would load it at every start
  return (core ??= require('@opentelemetry/core') as Core);
}
