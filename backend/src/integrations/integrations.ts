/**
 * Builds the upstream clients from the configuration, each on the one HTTP
 * client with its own circuit breaker. Plex and Overseerr exist only when
 * configured (PLEX_URL; OVERSEERR_URL + OVERSEERR_API_KEY); plex.tv always
 * (PLEX_TV_URL defaults to https://plex.tv, PLEX_DISCOVER_URL to https://discover.provider.plex.tv).
 */
import type { LookupFunction } from 'node:net';
import type { Config } from '../config';
import type { BreakerRegistry } from '../resilience/breakers';
import { HttpClient, type UpstreamService } from './http-client';
import { OverseerrClient } from './overseerr';
import { PlexClient } from './plex';
import { PLEX_PRODUCT, PlexTvClient } from './plex-tv';

export interface Integrations {
  plexTv: PlexTvClient;
  plex?: PlexClient;
  overseerr?: OverseerrClient;
}

export interface IntegrationOptions {
  /** Host name resolution for the upstreams (tests simulate an unresolvable host without a real DNS query). */
  lookup?: LookupFunction;
}

/** The headers every Plex client sends (plex.tv, the Plex server's API and its notification socket). */
export function plexClientHeaders(config: Pick<Config, 'version'>, plexClientIdentifier: string): Record<string, string> {
  return { 'X-Plex-Client-Identifier': plexClientIdentifier, 'X-Plex-Product': PLEX_PRODUCT, 'X-Plex-Version': config.version };
}

export function createIntegrations(
  config: Config,
  breakers: BreakerRegistry,
  plexClientIdentifier: string,
  options: IntegrationOptions = {},
): Integrations {
  const http = (service: UpstreamService, displayName: string, baseUrl: string, headers: Record<string, string>) =>
    new HttpClient({
      service,
      displayName,
      baseUrl,
      headers,
      breaker: breakers.get(service),
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      lookup: options.lookup,
      retries: config.UPSTREAM_RETRIES,
      retryBaseDelayMs: config.UPSTREAM_RETRY_BASE_MS,
    });
  const plexHeaders = plexClientHeaders(config, plexClientIdentifier);

  // The watchlist lives on Plex's discover provider: its own base URL, the same plex-tv breaker and metrics.
  const plexTv = new PlexTvClient(
    http('plex-tv', 'plex.tv', config.PLEX_TV_URL, plexHeaders),
    plexClientIdentifier,
    http('plex-tv', 'plex.tv', config.PLEX_DISCOVER_URL, plexHeaders),
  );
  const plex = config.PLEX_URL
    ? new PlexClient(
        http('plex-api', 'Plex', config.PLEX_URL, { ...plexHeaders, ...(config.PLEX_TOKEN ? { 'X-Plex-Token': config.PLEX_TOKEN } : {}) }),
      )
    : undefined;
  const overseerr =
    config.OVERSEERR_URL && config.OVERSEERR_API_KEY
      ? new OverseerrClient(
          // The client adds /api/v1 itself; accept an OVERSEERR_URL that already ends with it.
          http('overseerr', 'Overseerr', config.OVERSEERR_URL.replace(/\/api\/v1\/?$/, ''), { 'X-Api-Key': config.OVERSEERR_API_KEY }),
        )
      : undefined;
  return { plexTv, plex, overseerr };
}
