/**
 * buildApp composes the middleware and the feature routers. Order matters:
 * request context and route capture first, so every log line and metric of a
 * request knows its id and template; the error handler last.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Container } from './container';
import { AppError } from './errors';
import { authRouter } from './features/auth/auth.routes';
import { authenticate } from './features/auth/middleware';
import { forwardAuth } from './features/auth/forward-auth';
import { adminIdentitiesRouter } from './features/auth/identities.routes';
import { OIDC_START_PATH } from './features/auth/oidc.service';
import { oidcRouter } from './features/auth/oidc.routes';
import { plexLoginRouter } from './features/auth/plex-login.routes';
import { discoverRouter } from './features/discover/discover.routes';
import { issuesRouter } from './features/issues/issues.routes';
import { mediaRouter } from './features/media/media.routes';
import { plexRouter } from './features/plex/plex.routes';
import { overseerrWebhookRouter } from './features/webhooks/overseerr-webhook.routes';
import { adminUsersRouter } from './features/auth/admin-users.routes';
import { alertsRouter } from './features/alerts/alerts.routes';
import { adminStatusRouter, statusRouter } from './features/status/status.routes';
import { opsRouter } from './features/ops/ops.routes';
import { adminPlaybackRouter, playbackRouter } from './features/playback/playback.routes';
import { adminMonitoringRouter, monitoringRouter } from './features/monitoring/monitoring.routes';
import { requireApiClient } from './http/api-client-guard';
import { isHttpsUrl, setHttpsOnly } from './http/public-url';
import { trustProxySetting } from './http/trust-proxy';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requestContextMiddleware } from './http/access-log';
import { captureRouteTemplates, httpMetricsMiddleware } from './observability/metrics/http-metrics';
import { serverSpans } from './observability/tracing/server-spans';
import { tracingEnabled } from './observability/tracing/trace';
import { browserMetricsRouter } from './features/browser-metrics/browser-metrics.routes';
import { adminNotificationsRouter, notificationsRouter } from './features/notifications/notifications.routes';
import { adminWatchlistRouter, watchlistRouter } from './features/watchlist/watchlist.routes';
import { BACKEND_DIR } from './paths';

export const BODY_LIMIT = '100kb';
export const FRONTEND_DIST = path.join(BACKEND_DIR, '..', 'frontend', 'dist');
/** Served with Cache-Control: no-cache (revalidated on every load) instead of the hour other static files get. */
const NO_CACHE_FILES = new Set(['sw.js', 'manifest.webmanifest']);

/** JSON routes take JSON: a body of another type is a 415, not a silent empty body. */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json') && !req.is('application/*+json')) {
    return next(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json'));
  }
  next();
}

export function buildApp(c: Container): Express {
  const app = express();
  app.disable('x-powered-by');
  if (c.config.TRUST_PROXY !== undefined) app.set('trust proxy', trustProxySetting(c.config.TRUST_PROXY));
  setHttpsOnly(app, c.config.PUBLIC_URL);

  // The SERVER span first: the request id, the access line and the metrics' exemplars read it.
  if (tracingEnabled()) app.use(serverSpans());
  app.use(requestContextMiddleware);
  captureRouteTemplates(app);
  if (c.config.PROMETHEUS_ENABLED) app.use(httpMetricsMiddleware);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'https://image.tmdb.org', 'https://plex.tv', 'https://*.plex.tv'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          // The service worker (/sw.js) and the web app manifest come from this origin only.
          'worker-src': ["'self'"],
          'manifest-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      // Plain-http LAN installs are normal for a household server; HSTS only when PUBLIC_URL says the site is https.
      strictTransportSecurity: isHttpsUrl(c.config.PUBLIC_URL) ? { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false } : false,
    }),
  );

  // Health: liveness does no I/O; readiness checks dependencies.
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const ready = async (_req: Request, res: Response) => {
    const report = await c.health.readiness();
    res.status(report.status === 'unavailable' || report.status === 'draining' ? 503 : 200).json(report);
  };
  app.get('/health/ready', ready);
  app.get('/health', ready);

  // Their own body parsers, ahead of the API's: browser beacons may be text/plain (16 kB),
  // Alertmanager groups may be up to 1 MB.
  app.use('/api/v1/metrics', browserMetricsRouter(c.limiter, c.config.BROWSER_METRICS_RATE_LIMIT));
  app.use('/api/v1/alerts', alertsRouter(c.alerts, c.config.ALERTS_WEBHOOK_TOKEN));

  const api = express.Router();
  api.use(['/', ''], requireJsonBody, requireApiClient);
  api.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  api.use(authenticate(c.sessions, c.users));
  const { sso } = c;
  if (sso.forwardAuth && sso.admission) api.use(forwardAuth(sso.forwardAuth, sso.admission, c.auth));

  if (sso.oidc) api.use('/auth/oidc', oidcRouter(sso.oidc, c.auth, c.limiter));
  if (!sso.only) api.use('/auth/plex', plexLoginRouter(c.plexLogin, c.auth, c.limiter));
  api.use(
    '/auth',
    authRouter(c.auth, c.limiter, {
      password: !sso.only,
      plex: !sso.only,
      oidc: sso.oidc ? { label: sso.oidc.label, startUrl: OIDC_START_PATH } : null,
    }),
  );
  api.use('/admin/users', adminIdentitiesRouter(c.users, c.identities, sso.admission, sso.oidcIssuer));
  api.use('/media', mediaRouter(c.media, c.requests));
  api.use('/discover', discoverRouter(c.discover, c.titles));
  api.use('/plex', plexRouter(c.library));
  api.use('/issues', issuesRouter(c.issues));
  api.use('/webhooks', overseerrWebhookRouter(c.config.OVERSEERR_WEBHOOK_SECRET, c.overseerrWebhook));
  api.use('/admin/users', adminUsersRouter(c.adminUsers, c.config.PUBLIC_URL));
  api.use('/services', monitoringRouter(c.serviceStatus));
  api.use('/admin/services', adminMonitoringRouter(c.serviceStatus.monitored));
  api.use('/status', statusRouter(c.status));
  api.use('/admin/status', adminStatusRouter(c.status));
  api.use('/admin/notifications', adminNotificationsRouter(c.notifications.channels));
  api.use('/notifications', notificationsRouter(c.notifications));
  api.use('/admin/playback', adminPlaybackRouter(c.nowPlaying, c.playbackHistory));
  api.use('/playback', playbackRouter(c.nowPlaying, c.playbackHistory));
  api.use('/watchlist', watchlistRouter(c.watchlist.service));
  api.use('/admin/watchlist', adminWatchlistRouter(c.watchlist.owner));
  api.use(
    '/admin/observability',
    opsRouter({
      health: c.health,
      jobs: c.jobs,
      alerts: c.alerts,
      ops: c.ops,
      notifications: c.notifications.delivery,
      backups: c.backups,
      version: c.config.version,
      overseerr: c.overseerrServer,
    }),
  );

  api.use(notFoundHandler);
  app.use('/api/v1', api);
  app.use('/api', notFoundHandler);

  // The built web app, with client-side routes falling back to index.html.
  if (fs.existsSync(path.join(FRONTEND_DIST, 'index.html'))) {
    app.use(
      express.static(FRONTEND_DIST, {
        index: false,
        maxAge: '1h',
        setHeaders(res, file) {
          // The service worker and the manifest are checked for a new version on every visit: a
          // cached sw.js would keep an old worker running for as long as the cache lasts.
          if (NO_CACHE_FILES.has(path.basename(file))) res.setHeader('Cache-Control', 'no-cache');
        },
      }),
    );
    // A named wildcard, so the metrics and access log label these requests '/{*clientRoute}'.
    app.get('/{*clientRoute}', (req, res, next) => {
      if (/^\/(?:api|health|metrics|socket\.io)(?:\/|$)/.test(req.path) || !req.accepts('html')) return next();
      res.sendFile(path.join(FRONTEND_DIST, 'index.html'));
    });
  }

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
