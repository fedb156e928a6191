/**
 * Health and metrics probes: not API traffic. Neither counted in the HTTP
 * metrics nor traced. Kept apart from http-metrics.ts so the tracing bootstrap
 * can use it without loading the metric registry before instrumentation starts.
 */
export function isProbe(path: string): boolean {
  return path === '/health' || path.startsWith('/health/') || path === '/metrics';
}
