/**
 * Starts the three fake upstreams together and gives the environment that
 * points a MediaNest at them (for createTestApp / startTestServer), plus a
 * helper that serves an app on 127.0.0.1 so the fake Overseerr can post
 * webhooks to it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { FakeOverseerr } from './fake-overseerr';
import { FakePlex } from './fake-plex';
import { FakePlexTv } from './fake-plex-tv';

export const FAKE_PLEX_TOKEN = 'fake-plex-server-token-9f3b2c';
export const FAKE_OVERSEERR_API_KEY = 'fake-overseerr-api-key-MTcwMDAwMDAwMDAwMA==';
export const FAKE_WEBHOOK_SECRET = 'fake-webhook-secret-4c1d';

export interface Upstreams {
  plexTv: FakePlexTv;
  plex: FakePlex;
  overseerr: FakeOverseerr;
  /** Environment for a MediaNest that talks to these fakes (fast retries, short timeouts). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const plexTv = new FakePlexTv();
  const plex = new FakePlex(FAKE_PLEX_TOKEN);
  const overseerr = new FakeOverseerr(FAKE_OVERSEERR_API_KEY);
  await Promise.all([plexTv.start(), plex.start(), overseerr.start()]);
  return {
    plexTv,
    plex,
    overseerr,
    env: {
      PLEX_TV_URL: plexTv.url,
      // The fake plex.tv also plays Plex's discover provider (the watchlist).
      PLEX_DISCOVER_URL: plexTv.url,
      PLEX_URL: plex.url,
      PLEX_TOKEN: FAKE_PLEX_TOKEN,
      OVERSEERR_URL: overseerr.url,
      OVERSEERR_API_KEY: FAKE_OVERSEERR_API_KEY,
      OVERSEERR_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
      UPSTREAM_TIMEOUT_MS: '3000',
      UPSTREAM_RETRY_BASE_MS: '5',
      // Approval follow-ups at test speed (the fake, like Seerr, sends MEDIA_APPROVED before the media is PROCESSING).
      REQUEST_FOLLOW_UP_SECONDS: '0.05',
    },
    async stop() {
      await Promise.all([plexTv.stop(), plex.stop(), overseerr.stop()]);
    },
  };
}

/** Serves `app` on an ephemeral 127.0.0.1 port; returns its base URL and a close function. */
export async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
