/**
 * Opens what MediaNest depends on (database, optional Redis) and builds the
 * services features use. One container per process; tests build their own.
 */
import type { Config } from './config';
import { createCache, type Cache } from './cache/cache';
import { CacheCoherence } from './cache/coherence';
import { openDatabase, type Database } from './db/client';
import { describeWriteFailure } from './db/write-health';
import { AuthService } from './features/auth/auth.service';
import { SessionStore } from './features/auth/sessions';
import { KnownDevices, loadDeviceKey } from './features/auth/known-devices';
import { PasswordResets } from './features/auth/password-resets';
import { IdentitiesRepository } from './features/auth/identities.repository';
import { createSso, type Sso } from './features/auth/sso';
import { AdminUsersService } from './features/auth/admin-users.service';
import { UsersRepository } from './features/users/users.repository';
import { OverseerrWebhookService } from './features/webhooks/overseerr-webhook.service';
import { AlertsRepository } from './features/alerts/alerts.repository';
import { ServiceStatusService } from './features/monitoring/service-status.service';
import { NoticesRepository } from './features/status/notices.repository';
import { StatusService } from './features/status/status.service';
import { createJobQueue } from './jobs/create-job-queue';
import type { JobQueue } from './jobs/job-queue';
import { PlexLoginService } from './features/auth/plex-login.service';
import { MediaService } from './features/media/media.service';
import { DiscoverService } from './features/discover/discover.service';
import { MemberOverseerr } from './features/discover/member-overseerr';
import { TitleService } from './features/discover/title.service';
import { OverseerrUserLinker } from './features/media/overseerr-users';
import { MediaRequestsRepository } from './features/media/requests.repository';
import { MediaIssuesRepository } from './features/issues/issues.repository';
import { IssuesService } from './features/issues/issues.service';
import { RequestQuotas } from './features/media/request-quota';
import { OverseerrGateway } from './features/media/overseerr-gateway';
import { RequestSyncService } from './features/media/request-sync.service';
import { RequestTransitions } from './features/media/request-transitions';
import { RequestsService } from './features/media/requests.service';
import { LibraryService } from './features/plex/library.service';
import { PlayLinks } from './features/plex/play-links';
import { createIntegrations, plexClientHeaders, type IntegrationOptions } from './integrations/integrations';
import type { OverseerrClient } from './integrations/overseerr';
import { OverseerrServer } from './integrations/overseerr-server';
import type { PlexClient } from './integrations/plex';
import { resolvePlexClientIdentifier } from './integrations/plex-client-identifier';
import type { PlexTvClient } from './integrations/plex-tv';
import { BreakerRegistry, DEFAULT_BREAKER_SETTINGS, installRecoveryProcedures } from './resilience/breakers';
import { createRateLimiter, type RateLimiter } from './http/rate-limit';
import { HealthService } from './observability/health/health';
import { buildInfo } from './observability/metrics/catalog';
import { EventBus } from './realtime/events';
import { ClusterOps } from './features/ops/cluster-ops';
import { createNotifications, type Notifications } from './features/notifications/create-notifications';
import { BackupService } from './features/backups/backups.service';
import { connectRedis, type RedisConnection } from './redis/client';
import { createPlaybackMonitor, createPlaybackService } from './features/playback/create-playback';
import type { PlaybackMonitor } from './features/playback/playback-monitor';
import type { PlaybackService } from './features/playback/playback.service';
import { PlaybackHistoryRecorder, PlaybackHistoryService } from './features/playback/playback-history';
import { PlaybackHistoryRepository } from './features/playback/playback-history.repository';
import { loadOrCreateKey, SecretBox } from './features/notifications/secret-box';
import { createWatchlist, type Watchlist } from './features/watchlist/create-watchlist';
import { PlexTokens } from './features/watchlist/plex-tokens';

export interface Container {
  config: Config;
  database: Database;
  redis?: RedisConnection;
  cache: Cache;
  limiter: RateLimiter;
  health: HealthService;
  events: EventBus;
  users: UsersRepository;
  sessions: SessionStore;
  auth: AuthService;
  /** Account administration (list, create, role and enabled, reset links). */
  adminUsers: AdminUsersService;
  /** Circuit breakers (plex-api, plex-tv, overseerr, redis, database) and their recovery procedures. */
  breakers: BreakerRegistry;
  /** Present only when PLEX_URL is set. */
  plex?: PlexClient;
  /** Always present (PLEX_TV_URL defaults to https://plex.tv). */
  plexTv: PlexTvClient;
  /** Present only when OVERSEERR_URL and OVERSEERR_API_KEY are set. */
  overseerr?: OverseerrClient;
  /** The version of the Overseerr behind OVERSEERR_URL (absent when none is configured). */
  overseerrServer?: OverseerrServer;
  /** The media feature's one way to Overseerr: cached title search and details, requests made as the member. */
  overseerrGateway: OverseerrGateway;
  media: MediaService;
  /** What members do with their requests (create, list, cancel, retry, quota). */
  requests: RequestsService;
  /** Discover rows, recommendations and similar titles, read from Overseerr as the member. */
  discover: DiscoverService;
  /** Title pages, read from Overseerr as the member. */
  titles: TitleService;
  /** What Overseerr reports about requests: the webhook's statuses, the request-sync and request-progress jobs. */
  requestSync: RequestSyncService;
  /** Members' problem reports (issues in Overseerr, filed as them). */
  issues: IssuesService;
  /** What Overseerr's webhook says, applied to requests and problem reports. */
  overseerrWebhook: OverseerrWebhookService;
  library: LibraryService;
  plexLogin: PlexLoginService;
  /** Plex playback (Now playing, playback metrics); started by the processes, watching while it holds the lease. */
  playback?: PlaybackMonitor;
  /** Now playing for the routes (every process; from the watcher's list or its Redis snapshot). */
  nowPlaying: PlaybackService;
  /** Playback history (who watched what): read by the routes, pruned by the `playback-history-prune` job. */
  playbackHistory: PlaybackHistoryService;
  /** Where the watcher records starts and ends (tests wait on its idle()). */
  playbackRecorder: PlaybackHistoryRecorder;
  /** SSO identities linked to members (always: an admin can see and unlink them after SSO is turned off). */
  identities: IdentitiesRepository;
  /** OpenID Connect and forward-auth sign-in, each present only when configured. */
  sso: Sso;
  /** Background jobs: BullMQ with Redis, in-process without (defined and started by server.ts / worker). */
  jobs: JobQueue;
  serviceStatus: ServiceStatusService;
  /** The member status page, maintenance windows and announcements. */
  status: StatusService;
  alerts: AlertsRepository;
  /** This process's Ops figures, published for the cluster-wide Ops page (started by server.ts / the worker). */
  ops: ClusterOps;
  /** Channels, members' choices, follows, Web Push devices; plans deliveries on request status changes and delivers them. */
  notifications: Notifications;
  /** Automatic backups of the embedded database (mode `external` with PostgreSQL). */
  backups: BackupService;
  /** Members' Plex watchlists, their stored Plex tokens and the automatic requests (the `watchlist-sync` job). */
  watchlist: Watchlist;
  /** Closes connections in reverse order of opening. */
  close(): Promise<void>;
}

export async function createContainer(config: Config, options: IntegrationOptions = {}): Promise<Container> {
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.dataDir,
    poolMax: config.DATABASE_POOL_MAX,
    writeRetryIntervalMs: config.HEALTH_PROBE_INTERVAL_MS,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
  });
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX }) : undefined;
  const cache = createCache(redis);
  const limiter = createRateLimiter(redis);
  // Sessions and users are cached in process; invalidations reach every process through Redis. On
  // PostgreSQL without Redis other processes (a replica, the admin CLI) could change them unheard, so
  // nothing is cached there; the embedded database is only ever open in one process.
  const coherence = redis || !config.DATABASE_URL ? new CacheCoherence(redis, config.REDIS_KEY_PREFIX) : undefined;
  coherence?.start();
  const users = new UsersRepository(database, coherence);
  const sessionTtlMs = config.SESSION_TTL_HOURS * 3600_000;
  const events = new EventBus();
  const sessions = new SessionStore(database, sessionTtlMs, undefined, events, coherence);
  sessions.registerMetrics();
  const passwordResets = new PasswordResets(database, config.PASSWORD_RESET_TTL_HOURS * 3600_000);
  const auth = new AuthService(users, sessions, limiter, sessionTtlMs, new KnownDevices(await loadDeviceKey(database)), passwordResets);
  const adminUsers = new AdminUsersService(users, sessions, auth, events);

  const health = new HealthService(config.version);
  health.register({
    name: 'database',
    critical: true,
    check: async (t) => {
      await database.ping(t);
      const failing = database.writes.current();
      if (failing) return { degraded: `${describeWriteFailure(failing.reason)} (${failing.message})` };
    },
  });
  if (redis) health.register({ name: 'redis', critical: false, check: (t) => redis.ping(t) });
  else health.registerNotConfigured('redis');

  // Upstreams: one breaker per service, clients on the one HTTP client, and the features on top.
  const breakers = new BreakerRegistry({
    ...DEFAULT_BREAKER_SETTINGS,
    resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
    volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
  });
  const plexClientIdentifier = await resolvePlexClientIdentifier(database, config.PLEX_CLIENT_IDENTIFIER);
  const { plex, plexTv, overseerr } = createIntegrations(config, breakers, plexClientIdentifier, options);
  const playbackRepo = new PlaybackHistoryRepository(database);
  const playbackRecorder = new PlaybackHistoryRecorder(playbackRepo);
  const playbackHistory = new PlaybackHistoryService(playbackRepo, config.PLAYBACK_HISTORY_DAYS);
  const playback = createPlaybackMonitor({
    config,
    history: playbackRecorder,
    plex,
    users,
    redis,
    plexHeaders: plexClientHeaders(config, plexClientIdentifier),
    lookup: options.lookup,
  });
  const nowPlaying = createPlaybackService({ config, monitor: playback, events, redis });
  nowPlaying.start();
  const mediaRequests = new MediaRequestsRepository(database);
  const overseerrUsers = overseerr ? new OverseerrUserLinker(overseerr, users) : undefined;
  const overseerrGateway = new OverseerrGateway(overseerr, overseerrUsers, cache);
  const media = new MediaService(overseerrGateway, mediaRequests);
  const playLinks = new PlayLinks(plex);
  const stalledAfterMs = config.REQUEST_STALLED_AFTER_HOURS * 3_600_000;
  const transitions = new RequestTransitions(mediaRequests, overseerrGateway, events, stalledAfterMs);
  const requestSync = new RequestSyncService(mediaRequests, overseerrGateway, transitions, config.REQUEST_FOLLOW_UP_SECONDS * 1000);
  const quotas = new RequestQuotas(overseerr, overseerrUsers, cache);
  const requests = new RequestsService(
    mediaRequests,
    overseerrGateway,
    transitions,
    requestSync,
    events,
    playLinks,
    quotas,
    stalledAfterMs,
  );
  const asMember = new MemberOverseerr(overseerr, overseerrUsers, cache, config.DISCOVER_CACHE_SECONDS);
  const discover = new DiscoverService(asMember, mediaRequests);
  const titles = new TitleService(asMember, overseerrGateway, mediaRequests, playLinks);
  const library = new LibraryService(plex, cache, playLinks);
  // One key seals every secret at rest: notification channel secrets and members' Plex tokens.
  const secretBox = new SecretBox(loadOrCreateKey(config.NOTIFICATIONS_SECRET_KEY, config.dataDir));
  const plexTokens = new PlexTokens(database, secretBox);
  const plexLogin = new PlexLoginService(plexTv, plex, users, cache, overseerrUsers, plexTokens);
  const identities = new IdentitiesRepository(database);
  const sso = createSso(config, { users, identities, sessions, events, cache, breakers, linker: overseerrUsers, lookup: options.lookup });
  // While the database breaker is open, members get a 503 at once instead of waiting on a database that does not answer.
  database.failFastWhen(() => breakers.stateOf('database') === 'open');
  installRecoveryProcedures(
    breakers,
    {
      redis,
      database,
      upstreams: { 'plex-api': plex, 'plex-tv': plexTv, overseerr },
      plex: plex && {
        refreshIdentity: () => plex.identity({ bypassBreaker: true }),
        onIdentityChange: (listener) => plex.onIdentityChange(listener),
        clearCaches: () => library.clearCaches(),
      },
    },
    config.HEALTH_PROBE_INTERVAL_MS,
  );

  // Which Overseerr this is: read at start and whenever it comes back (an upgrade or another server behind OVERSEERR_URL).
  const overseerrServer = overseerr ? new OverseerrServer(overseerr) : undefined;
  if (overseerrServer) {
    breakers.setRecovery('overseerr', {
      onClose: async () => {
        await overseerrServer.refresh();
      },
    });
    void overseerrServer.refresh();
  }

  const jobs = createJobQueue(config, redis);
  const notices = new NoticesRepository(database);
  const serviceStatus = new ServiceStatusService(database, events, config, {
    incidents: {
      openAfterMs: config.STATUS_INCIDENT_OPEN_AFTER_SECONDS * 1000,
      closeAfterMs: config.STATUS_INCIDENT_CLOSE_AFTER_SECONDS * 1000,
    },
    maintenance: notices,
  });
  const status = new StatusService(notices, serviceStatus, events, config.SERVICE_CHECK_INTERVAL_SECONDS);
  const alerts = new AlertsRepository(database);
  const issues = new IssuesService(new MediaIssuesRepository(database), overseerrGateway, overseerr, overseerrUsers, serviceStatus, events);

  const overseerrWebhook = new OverseerrWebhookService(requestSync, issues);

  const ops = new ClusterOps(redis, { instance: config.instance, role: config.JOBS_MODE, version: config.version });
  const notifications = createNotifications({ config, database, breakers, jobs, box: secretBox });
  const watchlist = createWatchlist({
    config,
    database,
    tokens: plexTokens,
    cache,
    plexTv,
    media,
    requests,
    users,
    notifier: notifications.planner,
  });
  const stopNotifications = notifications.planner.listen(events);
  const backups = new BackupService(config, database);
  backups.registerMetrics();

  buildInfo.set({ version: config.version, commit: config.commit, node_version: process.version }, 1);

  return {
    config,
    database,
    redis,
    cache,
    limiter,
    health,
    events,
    users,
    sessions,
    auth,
    adminUsers,
    breakers,
    plex,
    plexTv,
    overseerr,
    overseerrServer,
    overseerrGateway,
    media,
    requests,
    discover,
    titles,
    requestSync,
    issues,
    overseerrWebhook,
    library,
    plexLogin,
    playback,
    nowPlaying,
    playbackHistory,
    playbackRecorder,
    identities,
    sso,
    jobs,
    serviceStatus,
    status,
    alerts,
    ops,
    notifications,
    backups,
    watchlist,
    async close() {
      nowPlaying.stop();
      await playback?.stop();
      await playbackRecorder.idle();
      stopNotifications();
      requestSync.close();
      await jobs.close();
      await ops.stop();
      await coherence?.close();
      breakers.close();
      await redis?.close();
      await database.close();
    },
  };
}
