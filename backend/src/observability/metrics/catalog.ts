/**
 * MediaNest's metric catalog, in one Registry. The names, help texts, label
 * names and buckets of the core metrics are fixed: the dashboards, alert
 * rules and recording rules in infrastructure/ are written against them, and
 * catalog.test.ts holds them verbatim. Metrics added later are marked
 * "Addition" and carry bounded labels only.
 *
 * Metrics are module singletons so any module can import the one it measures;
 * values that are a property of state (sessions, pool size, queue depth) are
 * computed at scrape time through `collect` callbacks registered with
 * `setGaugeSource`, never incremented by hand per request.
 */
import prometheus from 'prom-client';

// Created as an OpenMetrics registry so histograms may carry exemplars; /metrics switches the
// output format per scrape (metrics-server.ts) for scrapers that want the classic text format.
const OpenMetricsRegistry = prometheus.Registry as unknown as new (
  contentType: prometheus.OpenMetricsContentType,
) => prometheus.Registry<prometheus.RegistryContentType>;
export const register = new OpenMetricsRegistry(prometheus.Registry.OPENMETRICS_CONTENT_TYPE);

let defaultMetricsStarted = false;
/** Default Node/process metrics with the medianest_ prefix and fixed GC buckets. */
export function startDefaultMetrics(): void {
  if (defaultMetricsStarted) return;
  defaultMetricsStarted = true;
  prometheus.collectDefaultMetrics({
    register,
    prefix: 'medianest_',
    gcDurationBuckets: [0.001, 0.01, 0.1, 1, 2, 5],
  });
  // prom-client also exposes the per-type gauges nodejs_active_{handles,requests,resources}
  // as *_total sums; the exposition format reserves _total for counters (promtool rejects
  // them), and the sums are sum() over the per-type gauges, so drop the duplicates.
  for (const name of ['active_handles', 'active_requests', 'active_resources']) {
    register.removeSingleMetric(`medianest_nodejs_${name}_total`);
  }
}

type GaugeSource = () => number | Promise<number> | Map<string, number> | Promise<Map<string, number>>;
const gaugeSources = new Map<string, GaugeSource>();

/**
 * Supplies the value of a state gauge at scrape time. A source returns a
 * number (unlabelled gauge) or a map of label value → number for the gauge's
 * single label. Registering again replaces the previous source (one app per
 * process; tests build several).
 */
export function setGaugeSource(metricName: string, source: GaugeSource | undefined): void {
  if (source) gaugeSources.set(metricName, source);
  else gaugeSources.delete(metricName);
}

function stateGauge<L extends string>(config: { name: string; help: string; labelNames?: readonly L[] }) {
  const labelName = config.labelNames?.[0];
  return new prometheus.Gauge<L>({
    ...config,
    registers: [register],
    async collect() {
      const source = gaugeSources.get(config.name);
      if (!source) return;
      try {
        const value = await source();
        if (typeof value === 'number') {
          this.set(value);
        } else if (labelName) {
          this.reset();
          for (const [label, v] of value) this.set({ [labelName]: label } as Partial<Record<L, string>>, v);
        }
      } catch {
        // A source that cannot answer (database down) leaves the last value; readiness reports the outage.
      }
    },
  });
}

// HTTP Request metrics
export const httpRequestDuration = new prometheus.Histogram({
  name: 'medianest_http_request_duration_seconds',
  help: 'Duration of HTTP requests in seconds',
  labelNames: ['method', 'endpoint', 'status_code'] as const,
  buckets: [0.01, 0.05, 0.1, 0.3, 0.5, 1, 2, 5],
  enableExemplars: true,
  registers: [register],
});

export const httpRequestsTotal = new prometheus.Counter({
  name: 'medianest_http_requests_total',
  help: 'Total number of HTTP requests',
  labelNames: ['method', 'endpoint', 'status_code'] as const,
  registers: [register],
});

/** Addition: requests currently being handled. */
export const httpRequestsInFlight = new prometheus.Gauge({
  name: 'medianest_http_requests_in_flight',
  help: 'Number of HTTP requests currently being handled',
  registers: [register],
});

export const activeConnections = new prometheus.Gauge({
  name: 'medianest_websocket_connections_active',
  help: 'Number of active WebSocket connections',
  registers: [register],
});

// Database metrics
export const databaseQueryDuration = new prometheus.Histogram({
  name: 'medianest_database_query_duration_seconds',
  help: 'Database query execution time',
  labelNames: ['operation', 'table', 'status'] as const,
  // Addition: 0.25 ms and 0.5 ms below the fixed buckets; indexed reads take well under 1 ms.
  buckets: [0.00025, 0.0005, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 2],
  registers: [register],
});

/** @public A fixed metric under its established name (catalog.test.ts); its value comes from setGaugeSource. */
export const databaseConnections = stateGauge({
  name: 'medianest_database_connections_active',
  help: 'Number of active database connections',
});

/** Addition: the pool's configured maximum (DATABASE_POOL_MAX; 1 for embedded PGlite), what DatabaseConnectionHigh divides by. */
stateGauge({
  name: 'medianest_database_connections_max',
  help: 'Maximum number of database connections the pool may open',
});

// Redis metrics
export const redisOperationDuration = new prometheus.Histogram({
  name: 'medianest_redis_operation_duration_seconds',
  help: 'Redis operation execution time',
  labelNames: ['command', 'status'] as const,
  // Addition: 0.1 ms - 0.5 ms below the fixed buckets; a Redis command on a LAN takes a fraction of 1 ms.
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
  registers: [register],
});

/** @public A fixed metric under its established name (catalog.test.ts); its value comes from setGaugeSource. */
export const cacheHitRatio = stateGauge({
  name: 'medianest_cache_hit_ratio',
  help: 'Cache hit ratio',
  labelNames: ['cache_type'] as const,
});

// Business metrics
export const mediaRequestsTotal = new prometheus.Counter({
  name: 'medianest_media_requests_total',
  help: 'Total number of media requests',
  labelNames: ['type', 'status', 'source'] as const,
  registers: [register],
});

/** @public A fixed metric under its established name (catalog.test.ts); its value comes from setGaugeSource. */
export const userSessionsActive = stateGauge({
  name: 'medianest_user_sessions_active',
  help: 'Number of active user sessions',
});

export const externalApiDuration = new prometheus.Histogram({
  name: 'medianest_external_api_duration_seconds',
  help: 'External API call duration',
  labelNames: ['service', 'operation', 'status'] as const,
  // Addition: 5 ms - 50 ms below the fixed buckets; most calls end well under 0.1 s.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
  registers: [register],
});

// Circuit breaker metrics
export const circuitBreakerState = new prometheus.Gauge({
  name: 'medianest_circuit_breaker_state',
  help: 'Circuit breaker state (0=closed, 1=open, 2=half-open)',
  labelNames: ['service'] as const,
  registers: [register],
});

// Background job metrics
export const backgroundJobsTotal = new prometheus.Counter({
  name: 'medianest_background_jobs_total',
  help: 'Total number of background jobs',
  labelNames: ['queue', 'status'] as const,
  registers: [register],
});

export const backgroundJobDuration = new prometheus.Histogram({
  name: 'medianest_background_job_duration_seconds',
  help: 'Background job execution time',
  labelNames: ['queue', 'job_type'] as const,
  // Addition: 5 ms - 0.5 s below the fixed buckets; most jobs take tens of milliseconds.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 10, 30, 60, 300, 900],
  registers: [register],
});

/** Addition: jobs waiting to run, per queue (what BackgroundJobQueueBuildup alerts on). */
stateGauge({
  name: 'medianest_background_jobs_waiting',
  help: 'Number of background jobs waiting to be processed',
  labelNames: ['queue'] as const,
});

/** Addition: which build is running. */
/**
 * Addition: notification messages per attempt outcome. `channel` is the channel kind (ntfy, discord,
 * slack, webhook, email, webpush), never the admin's name for it; `event` is one of the notification events;
 * `outcome` is delivered | retrying (this attempt failed, another follows) | failed (last attempt failed)
 * | expired (Web Push: every browser of the member unsubscribed; not the channel's fault, not retried).
 */
export const notificationsTotal = new prometheus.Counter({
  name: 'medianest_notifications_total',
  help: 'Notification delivery attempts by channel kind, event and outcome',
  labelNames: ['channel', 'event', 'outcome'] as const,
  registers: [register],
});

/** Addition: time of one delivery attempt to the channel (HTTP call or SMTP session), whatever its outcome. */
export const notificationDeliveryDuration = new prometheus.Histogram({
  name: 'medianest_notification_delivery_seconds',
  help: 'Notification delivery attempt duration by channel kind',
  labelNames: ['channel'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [register],
});

export const buildInfo = new prometheus.Gauge({
  name: 'medianest_build_info',
  help: 'MediaNest build information (value is always 1)',
  labelNames: ['version', 'commit', 'node_version'] as const,
  registers: [register],
});

/** Addition: the Overseerr (or Jellyseerr, Seerr) version MediaNest last read from /api/v1/status (value always 1, one series). */
export const overseerrInfo = new prometheus.Gauge({
  name: 'medianest_overseerr_info',
  help: 'Version of the Overseerr server MediaNest talks to, read at start and when its breaker closes (value is always 1)',
  labelNames: ['version'] as const,
  registers: [register],
});

/** Addition: 1 when a dependency answered the last readiness check, 0 when not. */
export const dependencyUp = new prometheus.Gauge({
  name: 'medianest_dependency_up',
  help: 'Whether a dependency answered its last health check (1) or not (0)',
  labelNames: ['dependency'] as const,
  registers: [register],
});

/**
 * Addition: 1 while the database stores changes, 0 while writes fail for lack of disk space or a
 * read-only database (reads still work, so medianest_dependency_up stays 1). Set at scrape time.
 */
stateGauge({
  name: 'medianest_database_writable',
  help: 'Whether the database stores changes (1) or writes fail because the disk is full or it is read-only (0)',
});

/**
 * Addition: approved requests with nothing in the download queue and not available
 * REQUEST_STALLED_AFTER_HOURS after approval (counted in the database at scrape time).
 */
export const requestsStalled = stateGauge({
  name: 'medianest_requests_stalled',
  help: 'Approved media requests with no download progress and not available after the configured time',
});

/**
 * Addition: 1 while an admin's maintenance window covers a monitored service, 0 otherwise (computed
 * from the database at scrape time). `service` is a monitored service key (plex, overseerr,
 * monitored:<id>): as many series as services the admin monitors. Alert rules and Alertmanager
 * hold back that service's alerts while it is 1.
 */
stateGauge({
  name: 'medianest_maintenance_active',
  help: 'Whether a maintenance window covers the monitored service now (1) or not (0)',
  labelNames: ['service'] as const,
});

/**
 * Addition: when the newest backup of the embedded database was taken (Unix seconds; 0 while there
 * is none), read from DATA_DIR/backups at scrape time. Only while automatic backups are on; with
 * PostgreSQL (pg_dump outside MediaNest) there is no series. `database` is always `embedded`.
 */
stateGauge({
  name: 'medianest_backup_last_success_timestamp_seconds',
  help: 'Unix time of the newest backup of the embedded database (0: none yet)',
  labelNames: ['database'] as const,
});

/**
 * Addition: time from a media request to the title being available in Plex, observed once per
 * request when it becomes available (movie | tv). Buckets from minutes to four weeks.
 */
export const requestFulfilmentSeconds = new prometheus.Histogram({
  name: 'medianest_request_fulfilment_seconds',
  help: 'Time from a media request being made to the title being available in Plex',
  labelNames: ['type'] as const,
  buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 345_600, 604_800, 1_209_600, 2_419_200],
  registers: [register],
});

/** Addition: log lines dropped because the Loki buffer was full. */
export const logLinesDropped = new prometheus.Counter({
  name: 'medianest_log_lines_dropped_total',
  help: 'Log lines dropped because the shipping buffer was full',
  registers: [register],
});

/** Why a recorded trace was kept or dropped by the tail sampler (observability/tracing/tail-sampling.ts). */
export const TRACE_SAMPLING_REASONS = ['parent', 'error', 'slow', 'rate', 'rate_limited', 'buffer_full', 'expired'] as const;
export type TraceSamplingReason = (typeof TRACE_SAMPLING_REASONS)[number];

/** Addition: traces kept (exported) and dropped (never serialised) by the tail sampler, by reason. */
export const tracesSampledTotal = new prometheus.Counter({
  name: 'medianest_traces_sampled_total',
  help: 'Recorded traces kept for export or dropped by the tail sampler, by decision and reason',
  labelNames: ['decision', 'reason'] as const,
  registers: [register],
});
// Zero from the start (also with tracing off), so dashboards and rate() see the series before the first trace.
tracesSampledTotal.inc({ decision: 'kept', reason: 'rate' }, 0);
tracesSampledTotal.inc({ decision: 'dropped', reason: 'rate_limited' }, 0);

/** Addition: spans left out of a kept trace because it exceeded the per-trace span limit. */
export const traceSpansDropped = new prometheus.Counter({
  name: 'medianest_trace_spans_dropped_total',
  help: 'Spans left out of kept traces because a trace exceeded the per-trace span limit',
  registers: [register],
});

/** Addition: logins by method and result (no user labels). */
export const loginsTotal = new prometheus.Counter({
  name: 'medianest_logins_total',
  help: 'Login attempts by method and result',
  labelNames: ['method', 'result'] as const,
  registers: [register],
});

/** Why an authentication attempt was refused (a fixed set; no user labels). */
export const AUTH_FAILURE_REASONS = [
  'unknown_user',
  'wrong_password',
  'disabled',
  'throttled',
  'wrong_current_password',
  'invalid_reset_token',
  'busy',
  /** SSO: the provider signed the person in, but they are in none of SSO_ALLOWED_GROUPS. */
  'sso_not_allowed',
  /** SSO: no member matches and SSO_CREATE_MEMBERS is off. */
  'sso_no_account',
  /** SSO: the provider's answer failed validation (state, nonce, issuer, audience, expiry, signature). */
  'sso_invalid',
  /** A forward-auth header arrived from an address not in TRUST_PROXY (ignored). */
  'forward_auth_untrusted',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Addition: password verifications run (sign-ins and password changes that got past the limits): what a burst of guesses really cost. */
export const passwordChecksTotal = new prometheus.Counter({
  name: 'medianest_auth_password_checks_total',
  help: 'Password verifications run (scrypt), after the sign-in limits let the attempt through',
  registers: [register],
});

/** Addition: refused sign-ins, throttled attempts, bad current passwords and reset tokens, by reason ('busy': the password hashing slots were full). */
export const authFailuresTotal = new prometheus.Counter({
  name: 'medianest_auth_failures_total',
  help: 'Refused authentication attempts by reason',
  labelNames: ['reason'] as const,
  registers: [register],
});

// Browser metrics, bounded because any browser may post them: allow-listed names, route
// templates (metrics/frontend-routes.ts) and a rating recomputed on the server.
// Times arrive from the browser in milliseconds and are stored in seconds; CLS is unitless.
const webVitalTimeBuckets = [0.1, 0.25, 0.5, 0.8, 1, 1.8, 2.5, 3, 4, 6, 10, 20];

/** Addition: Largest Contentful Paint per SPA route template. */
export const webVitalsLcp = new prometheus.Histogram({
  name: 'medianest_web_vitals_lcp_seconds',
  help: 'Largest Contentful Paint reported by browsers, in seconds',
  labelNames: ['route', 'rating'] as const,
  buckets: webVitalTimeBuckets,
  registers: [register],
});

/** Addition: Interaction to Next Paint per SPA route template. */
export const webVitalsInp = new prometheus.Histogram({
  name: 'medianest_web_vitals_inp_seconds',
  help: 'Interaction to Next Paint reported by browsers, in seconds',
  labelNames: ['route', 'rating'] as const,
  buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
  registers: [register],
});

/** Addition: First Contentful Paint per SPA route template. */
export const webVitalsFcp = new prometheus.Histogram({
  name: 'medianest_web_vitals_fcp_seconds',
  help: 'First Contentful Paint reported by browsers, in seconds',
  labelNames: ['route', 'rating'] as const,
  buckets: webVitalTimeBuckets,
  registers: [register],
});

/** Addition: Time to First Byte per SPA route template. */
export const webVitalsTtfb = new prometheus.Histogram({
  name: 'medianest_web_vitals_ttfb_seconds',
  help: 'Time to First Byte reported by browsers, in seconds',
  labelNames: ['route', 'rating'] as const,
  buckets: [0.05, 0.1, 0.2, 0.4, 0.8, 1.2, 1.8, 3, 5, 10],
  registers: [register],
});

/** Addition: Cumulative Layout Shift per SPA route template (unitless). */
export const webVitalsCls = new prometheus.Histogram({
  name: 'medianest_web_vitals_cls',
  help: 'Cumulative Layout Shift reported by browsers (unitless)',
  labelNames: ['route', 'rating'] as const,
  buckets: [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2],
  registers: [register],
});

/** Addition: client-side navigation time, by destination route template. */
export const frontendNavigationDuration = new prometheus.Histogram({
  name: 'medianest_frontend_navigation_duration_seconds',
  help: 'Client-side navigation duration measured in the browser, in seconds',
  labelNames: ['route'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [register],
});

/** Addition: API call duration as the browser saw it, by API route template. */
export const frontendApiRequestDuration = new prometheus.Histogram({
  name: 'medianest_frontend_api_request_duration_seconds',
  help: 'API request duration measured in the browser, in seconds',
  labelNames: ['endpoint', 'method', 'status_class'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [register],
});

/*
 * Additions: Plex playback, exported by the one process that watches the Plex server (the playback
 * lease holder, features/playback/). Labels are fixed sets: decision direct_play | direct_stream |
 * transcode, location lan | wan, hardware hw | sw, video_decision transcode | copy | none,
 * hw_requested true | false, library_type Plex's section type. Never a member, title or player.
 */
export const plexStreams = new prometheus.Gauge({
  name: 'medianest_plex_streams',
  help: 'Streams the Plex server is playing now, by play decision and network location',
  labelNames: ['decision', 'location'] as const,
  registers: [register],
});
export const plexTranscodes = new prometheus.Gauge({
  name: 'medianest_plex_transcodes',
  help: 'Plex transcode sessions now, by hardware or software, video decision and whether hardware was requested',
  labelNames: ['hardware', 'video_decision', 'hw_requested'] as const,
  registers: [register],
});
export const plexTranscodesBelowRealtime = new prometheus.Gauge({
  name: 'medianest_plex_transcodes_below_realtime',
  help: 'Plex transcodes running slower than playback (speed below 1.0, not throttled): viewers are about to buffer',
  labelNames: ['hardware'] as const,
  registers: [register],
});
export const plexBandwidth = new prometheus.Gauge({
  name: 'medianest_plex_bandwidth_bytes_per_second',
  help: "Bandwidth of the Plex streams now (the server's estimate per session, added up), by network location",
  labelNames: ['location'] as const,
  registers: [register],
});
export const plexUploadCapacity = new prometheus.Gauge({
  name: 'medianest_plex_upload_capacity_bytes_per_second',
  help: "The upload capacity of the Plex server's internet connection, as configured (PLEX_UPLOAD_CAPACITY_MBPS)",
  registers: [register],
});
export const plexWanBandwidthAlertRatio = new prometheus.Gauge({
  name: 'medianest_plex_wan_bandwidth_alert_ratio',
  help: 'Share of the upload capacity above which WAN streaming alerts (PLEX_WAN_BANDWIDTH_ALERT_RATIO)',
  registers: [register],
});
export const plexSessionStarts = new prometheus.Counter({
  name: 'medianest_plex_session_starts_total',
  help: 'Plex playback sessions started, by play decision and network location',
  labelNames: ['decision', 'location'] as const,
  registers: [register],
});
export const plexLibraryItems = new prometheus.Gauge({
  name: 'medianest_plex_library_items',
  help: 'Items in the Plex libraries, by library type',
  labelNames: ['library_type'] as const,
  registers: [register],
});
/** Labelled (state connected | connecting | disconnected, 1 for the current one) so only the watching process exports it. */
export const plexNotificationSocketState = new prometheus.Gauge({
  name: 'medianest_plex_notification_socket_state',
  help: 'State of the Plex notification WebSocket: 1 for the current state (connected, connecting, disconnected; not connected = sessions polled)',
  labelNames: ['state'] as const,
  registers: [register],
});
export const plexNotificationReconnects = new prometheus.Counter({
  name: 'medianest_plex_notification_reconnects_total',
  help: 'Times the Plex notification WebSocket was opened again after it was lost',
  registers: [register],
});
