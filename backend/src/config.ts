/**
 * One zod schema for every environment variable MediaNest reads; each one is
 * documented, with its default, in /.env.example.
 * `loadConfig` never throws a stack trace at the operator: `ConfigError` carries
 * one line naming the variable and the problem, and main.ts prints it and exits 1.
 */
import path from 'node:path';
import { z } from 'zod';
import { SERVICE_INSTANCE_ID } from './observability/tracing/trace';

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? def : v === 'true' || v === '1' || v === 'yes'));

const port = (def: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `must be a port number (0-65535), got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const url = (protocols: string[], hint: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      let parsed: URL;
      try {
        parsed = new URL(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a URL (${hint})` });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: 'custom', message: `must start with ${protocols.map((p) => p + '//').join(' or ')} (${hint})` });
        return z.NEVER;
      }
      return v.replace(/\/+$/, '');
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const httpUrl = (hint: string) => url(['http:', 'https:'], hint);

/** A comma-separated list; empty entries dropped. */
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port(4000),
  HOST: z.string().default('0.0.0.0'),
  METRICS_PORT: port(9090),
  METRICS_HOST: z.string().default('0.0.0.0'),
  METRICS_TOKEN: optionalString,
  PROMETHEUS_ENABLED: bool(true),
  DATA_DIR: z.string().default('./data'),
  /** Embedded database: hours between automatic backups into DATA_DIR/backups (0: none). PostgreSQL: unused (pg_dump). */
  BACKUP_INTERVAL_HOURS: z.coerce
    .number({ message: 'must be a number of hours' })
    .min(0)
    .max(24 * 365)
    .default(24),
  /** How many backups are kept (the oldest are deleted). */
  BACKUP_KEEP: z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(1000).default(7),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'e.g. postgres://user:pass@host:5432/db; unset for the embedded database'),
  DATABASE_POOL_MAX: z.coerce.number({ message: 'must be a number' }).int().min(1).max(200).default(10),
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(100).max(600_000).default(10_000),
  REDIS_URL: url(['redis:', 'rediss:'], 'e.g. redis://host:6379; unset for in-process cache'),
  REDIS_KEY_PREFIX: z.string().default('medianest:'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LOG_DIR: optionalString,
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  LOKI_URL: httpUrl('the Loki base URL, e.g. http://loki:3100'),
  LOKI_BUFFER_LINES: z.coerce.number({ message: 'must be a number' }).int().min(100).max(1_000_000).default(10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('the OTLP/HTTP base URL, e.g. http://jaeger:4318'),
  JAEGER_ENDPOINT: httpUrl('alias of OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number({ message: 'must be a number between 0 and 1' }).min(0).max(1).default(1),
  /** Keep every recorded trace (false: export all of them, the pre-sampling behaviour) or only those worth reading (docs/performance.md). */
  TRACES_TAIL_SAMPLING: bool(true),
  /** A trace whose request or job took at least this long is always kept. */
  TRACES_KEEP_SLOW_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(1).max(600_000).default(500),
  /** Traces kept per second among the rest (fast, no error, no sampled caller): a token bucket. */
  TRACES_KEEP_PER_SECOND: z.coerce.number({ message: 'must be a number of traces per second' }).min(0).max(10_000).default(5),
  /** How many of the rest may be kept at once before the per-second rate applies (a page load's burst of calls). */
  TRACES_KEEP_BURST: z.coerce.number({ message: 'must be a number of traces' }).int().min(0).max(100_000).default(20),
  PLEX_URL: httpUrl('your Plex server, e.g. http://192.168.1.10:32400'),
  PLEX_TOKEN: optionalString,
  PLEX_TV_URL: httpUrl('the plex.tv API base').default('https://plex.tv'),
  /** Plex's discover provider, where members' watchlists are read (with their own Plex token). */
  PLEX_DISCOVER_URL: httpUrl("Plex's discover provider").default('https://discover.provider.plex.tv'),
  /** Automatic requests from members' Plex watchlists, until an administrator switches them on or off in MediaNest (stored). */
  WATCHLIST_AUTO_REQUEST: bool(false),
  /** How often opted-in members' watchlists are checked for new titles to request (while automatic requests are on). */
  WATCHLIST_SYNC_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0.05).max(86_400).default(900),
  PLEX_CLIENT_IDENTIFIER: optionalString,
  /** Watch Plex playback (notification socket, /status/sessions, playback metrics); one process per cluster does. */
  PLEX_PLAYBACK_ENABLED: bool(true),
  /** While the Plex notification socket is connected: how often /status/sessions is read anyway, so a missed notification cannot leave a ghost stream. */
  PLEX_SESSIONS_RECONCILE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(5).max(3600).default(60),
  /** Plays kept in the playback history (who watched what), in days; older ones are deleted hourly. */
  PLAYBACK_HISTORY_DAYS: z.coerce.number({ message: 'must be a number of days' }).int().min(1).max(3650).default(90),
  /** While the notification socket is down: how often /status/sessions is polled instead. */
  PLEX_SESSIONS_POLL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(1).max(600).default(10),
  /** Upload capacity of the Plex server's internet connection in Mbit/s (WAN streams share it); unset: not known, no WAN bandwidth alert. */
  PLEX_UPLOAD_CAPACITY_MBPS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number({ message: 'must be a number of Mbit/s' }).positive().max(100_000).optional(),
  ),
  /** WAN streaming above this share of PLEX_UPLOAD_CAPACITY_MBPS alerts (PlexWanBandwidthHigh). */
  PLEX_WAN_BANDWIDTH_ALERT_RATIO: z.coerce.number({ message: 'must be a number between 0 and 1' }).gt(0).max(1).default(0.8),
  OVERSEERR_URL: httpUrl('your Overseerr, e.g. http://overseerr:5055'),
  OVERSEERR_API_KEY: optionalString,
  OVERSEERR_WEBHOOK_SECRET: optionalString,
  /** An approved request with nothing downloading and not available this many hours after approval is marked stalled. */
  REQUEST_STALLED_AFTER_HOURS: z.coerce
    .number({ message: 'must be a number of hours' })
    .positive()
    .max(24 * 365)
    .default(24),
  /** How often approved and processing requests are read from Overseerr (download progress, processing, availability). */
  REQUEST_PROGRESS_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0.05).max(3_600).default(60),
  /** How often every unsettled request is reconciled with Overseerr (approval, decline, cancellation): the net under lost webhooks. */
  REQUEST_SYNC_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0.05).max(3_600).default(60),
  /** After MEDIA_APPROVED while the media is not PROCESSING yet (Overseerr notifies before it updates the media): first re-read after this long, doubling, up to 5 times. */
  REQUEST_FOLLOW_UP_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0.01).max(300).default(5),
  /** How long a member's Discover rows, title pages, recommendations and similar titles are kept before Overseerr is asked again. */
  DISCOVER_CACHE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(1).max(3_600).default(120),
  /** How often recently active problem reports are reconciled with Overseerr (comments, resolved, reopened): ISSUE_COMMENT webhooks get lost. */
  ISSUE_SYNC_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0.05).max(3_600).default(60),
  /** Per-attempt timeout of every call to Plex, plex.tv and Overseerr. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(50).max(120_000).default(10_000),
  /** "The host is gone": longest wait for an upstream connection and the first byte of its answer (capped at UPSTREAM_TIMEOUT_MS). */
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(50).max(120_000).default(4_000),
  /** Extra attempts for idempotent upstream calls (GET/HEAD) after a network error, 5xx or 429. */
  UPSTREAM_RETRIES: z.coerce.number({ message: 'must be a number' }).int().min(0).max(5).default(2),
  /** Base of the exponential backoff (full jitter) between upstream retries. */
  UPSTREAM_RETRY_BASE_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(1).max(10_000).default(250),
  /** How long an open circuit breaker waits before letting one trial call through. */
  BREAKER_RESET_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(50).max(600_000).default(30_000),
  /** Calls within the rolling window before an upstream breaker may open (then: more than 50 % failures opens it). */
  BREAKER_VOLUME_THRESHOLD: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1000).default(5),
  /** Interval of the probes that feed every breaker and close it once its service is back (Redis, database, Plex, Overseerr; plex.tv only while its breaker is open). */
  HEALTH_PROBE_INTERVAL_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(50).max(600_000).default(5_000),
  ADMIN_USERNAME: z.string().min(1).max(64).default('admin'),
  ADMIN_PASSWORD: optionalString.refine((v) => v === undefined || v.length >= 8, 'must be at least 8 characters'),
  ALERTS_WEBHOOK_TOKEN: optionalString,
  /**
   * The process's role. `all`: web and job processors in one process (single-process households);
   * `web`: only with REDIS_URL, serves HTTP and Socket.IO and leaves the processors to worker processes;
   * `worker`: only the processors (`node dist/main.js` then runs what `node dist/worker.js` runs).
   */
  JOBS_MODE: z.enum(['all', 'web', 'worker'], { message: 'must be all, web or worker' }).default('all'),
  /** After SIGTERM, how long a web process answers /health/ready with 503 while still serving, so a load balancer stops sending it traffic. */
  SHUTDOWN_DRAIN_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).max(300_000).default(0),
  /** This process's name on the Ops page (per-replica figures); defaults to the host name and process id. */
  INSTANCE_NAME: optionalString,
  /** Browser metric posts (Web Vitals, custom) allowed per client IP per minute. */
  BROWSER_METRICS_RATE_LIMIT: z.coerce.number({ message: 'must be a number' }).int().min(1).max(10_000_000).default(120),
  TRUST_PROXY: optionalString,
  SESSION_TTL_HOURS: z.coerce
    .number({ message: 'must be a number' })
    .positive()
    .max(24 * 365)
    .default(24 * 7),
  /** How long a password reset link made by an administrator stays usable. */
  PASSWORD_RESET_TTL_HOURS: z.coerce
    .number({ message: 'must be a number' })
    .positive()
    .max(24 * 30)
    .default(24),
  PUBLIC_URL: httpUrl('the URL users open, e.g. https://media.example.com'),
  /** 32-byte key (64 hex digits or base64) sealing notification channel secrets; unset: generated once into DATA_DIR/notifications.key. */
  NOTIFICATIONS_SECRET_KEY: optionalString.refine(
    (v) => v === undefined || /^[\da-f]{64}$/i.test(v) || Buffer.from(v, 'base64').length === 32,
    'must be 32 bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)',
  ),
  /** Tries per notification delivery, the first included; retries back off exponentially from NOTIFICATIONS_RETRY_BASE_MS. */
  NOTIFICATIONS_ATTEMPTS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(30).default(10),
  NOTIFICATIONS_RETRY_BASE_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(10).max(600_000).default(5_000),
  /** Push service hosts members' browsers may subscribe with, on top of FCM, Mozilla, Apple and WNS (comma-separated; `*.example.com` for every name below). */
  WEB_PUSH_HOSTS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine(
      (hosts) => hosts.every((h) => /^(\*\.)?[a-z\d-]+(\.[a-z\d-]+)+$/.test(h)),
      'must be host names (fcm.example.com or *.push.example.com), comma-separated',
    ),
  /** Tests only (refused unless NODE_ENV=test): push endpoints on plain http to the loopback, where the tests' push service listens. */
  WEB_PUSH_ALLOW_LOOPBACK: bool(false),
  /** How often the service-health job checks Plex, Overseerr and the admin's monitored URLs (the status page's uptime comes from these checks). */
  SERVICE_CHECK_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(5).max(120).default(60),
  /** An incident opens once a service's probes have failed without a break for this long (0: at the first failed probe). */
  STATUS_INCIDENT_OPEN_AFTER_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(0).max(86_400).default(60),
  /** An open incident closes once no probe has failed for this long (the quiet period that turns flapping into one incident). */
  STATUS_INCIDENT_CLOSE_AFTER_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).int().min(1).max(86_400).default(300),
  /** OpenID Connect sign-in (Authentik, Authelia, Keycloak, Pocket ID …): the provider's issuer URL; unset: off. */
  // Kept exactly as given (a trailing slash included): it must equal the `issuer` the provider announces.
  OIDC_ISSUER_URL: optionalString.refine(
    (v) => v === undefined || /^https?:\/\/[^/]/.test(v),
    "must be the provider's issuer URL, e.g. https://auth.example.com/application/o/medianest/",
  ),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_TOKEN_AUTH_METHOD: z
    .enum(['client_secret_basic', 'client_secret_post'], { message: 'must be client_secret_basic or client_secret_post' })
    .default('client_secret_basic'),
  OIDC_SCOPES: z.string().default('openid profile email'),
  OIDC_BUTTON_LABEL: z.string().min(1).max(60).default('Sign in with SSO'),
  /** The ID-token (or userinfo) claim holding the member's groups. */
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** Comma-separated groups allowed in through SSO (OIDC or forward-auth); unset: anyone the provider signs in. */
  SSO_ALLOWED_GROUPS: list,
  /** Comma-separated groups whose members are administrators; unset: SSO never changes a member's role. */
  SSO_ADMIN_GROUPS: list,
  /** A first SSO sign-in with no matching member creates one (otherwise only members matched by verified e-mail or linked by an admin). */
  SSO_CREATE_MEMBERS: bool(false),
  /** Hide the password and Plex sign-in buttons (the local admin can still sign in at /login?local=1). */
  SSO_ONLY: bool(false),
  /** Trusted forward-auth: the header carrying the username set by an authenticating proxy (Remote-User, X-authentik-username …); unset: off. */
  FORWARD_AUTH_USER_HEADER: optionalString,
  FORWARD_AUTH_EMAIL_HEADER: optionalString,
  FORWARD_AUTH_GROUPS_HEADER: optionalString,
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  /** INSTANCE_NAME, or `<hostname>-<pid>`: the `instance` of every log line and the spans' `service.instance.id`. */
  instance: string;
  dataDir: string;
  logDir: string;
  otlpEndpoint: string | undefined;
  version: string;
  commit: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json sits outside src/, so it is read at run time rather than compiled in
    return (require('../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = issue.path.join('.') || 'environment';
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`);
  }
  const e = result.data;
  if (e.WEB_PUSH_ALLOW_LOOPBACK && e.NODE_ENV !== 'test')
    throw new ConfigError('Invalid configuration: WEB_PUSH_ALLOW_LOOPBACK is for tests only (NODE_ENV=test)');
  checkSso(e);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    ...e,
    instance: e.INSTANCE_NAME ?? SERVICE_INSTANCE_ID,
    dataDir,
    logDir: path.resolve(e.LOG_DIR ?? path.join(dataDir, 'logs')),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? e.JAEGER_ENDPOINT,
    version: readVersion(),
    commit: env.GIT_COMMIT ?? env.SOURCE_COMMIT ?? 'unknown',
  };
}

/** Settings that only make sense together: named in one line, like every other configuration error. */
function checkSso(e: Env): void {
  if (e.OIDC_ISSUER_URL) {
    if (!e.OIDC_CLIENT_ID) throw new ConfigError('Invalid configuration: OIDC_CLIENT_ID is required with OIDC_ISSUER_URL');
    if (!e.PUBLIC_URL) {
      throw new ConfigError(
        'Invalid configuration: PUBLIC_URL is required with OIDC_ISSUER_URL (the redirect URI is PUBLIC_URL/api/v1/auth/oidc/callback)',
      );
    }
    if (!e.OIDC_SCOPES.split(/\s+/).includes('openid')) throw new ConfigError('Invalid configuration: OIDC_SCOPES must include openid');
  }
  if (e.SSO_ONLY && !e.OIDC_ISSUER_URL && !e.FORWARD_AUTH_USER_HEADER) {
    throw new ConfigError('Invalid configuration: SSO_ONLY needs OIDC_ISSUER_URL or FORWARD_AUTH_USER_HEADER');
  }
  if (e.FORWARD_AUTH_USER_HEADER) {
    const trust = e.TRUST_PROXY?.trim();
    if (!trust || trust === 'true' || /^\d+$/.test(trust)) {
      throw new ConfigError(
        'Invalid configuration: FORWARD_AUTH_USER_HEADER needs TRUST_PROXY to list the proxy addresses (e.g. loopback or 10.0.0.2), ' +
          'so the header is believed only from them',
      );
    }
  }
}
