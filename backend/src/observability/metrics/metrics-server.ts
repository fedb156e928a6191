/**
 * /metrics on its own listener (METRICS_PORT), never on the public port.
 * Bearer-token protected when METRICS_TOKEN is set; OpenMetrics (with
 * exemplars) when the scraper asks for it, Prometheus text otherwise.
 */
import http from 'node:http';
import { Registry } from 'prom-client';
import { bearerMatches } from '../../secret-compare';
import { register } from './catalog';
import { renderRegistry } from './exposition';
import { errorMessage } from '../../errors';

const OPENMETRICS = Registry.OPENMETRICS_CONTENT_TYPE;
const PROMETHEUS = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Renders the registry in the requested format (exposition.ts: prom-client's output, built
 * without its per-sample garbage and without renaming counters for OpenMetrics).
 */
export async function renderMetrics(openMetrics: boolean): Promise<{ contentType: string; body: string }> {
  return { contentType: openMetrics ? OPENMETRICS : PROMETHEUS, body: await renderRegistry(register, openMetrics) };
}

export function createMetricsServer(options: { token?: string }): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url !== '/metrics' && !url.startsWith('/metrics?')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"code":"NOT_FOUND","message":"Only /metrics is served here"}}');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      res.end('{"error":{"code":"BAD_REQUEST","message":"Use GET"}}');
      return;
    }
    if (options.token && !bearerMatches(req.headers.authorization, options.token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'application/json' });
      res.end('{"error":{"code":"UNAUTHENTICATED","message":"A bearer token is required to scrape metrics"}}');
      return;
    }
    const wantsOpenMetrics = (req.headers.accept ?? '').includes('application/openmetrics-text');
    renderMetrics(wantsOpenMetrics).then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`# metrics collection failed: ${errorMessage(err)}\n`);
      },
    );
  });
}
