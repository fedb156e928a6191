/** A test server watching the fake Plex's evening, with the three members signed up (shared by the playback tests). */
import { expect, vi } from 'vitest';
import { createUser } from './auth-helpers';
import { createTestApp, type TestApp } from './context';
import { EVENING_MEMBERS, EVENING_UPLOAD_CAPACITY_MBPS } from './fakes/plex-evening';
import type { Upstreams } from './fakes/upstreams';
import type { PlaybackMonitor } from '../src/features/playback/playback-monitor';

export const WAIT = { timeout: 10_000, interval: 20 };

export async function startWatchingApp(
  up: Upstreams,
  extra: Record<string, string> = {},
): Promise<{ t: TestApp; monitor: PlaybackMonitor; cookies: Map<string, string> }> {
  const t = await createTestApp({
    ...up.env,
    PLEX_PLAYBACK_ENABLED: 'true',
    PLEX_UPLOAD_CAPACITY_MBPS: String(EVENING_UPLOAD_CAPACITY_MBPS),
    // Notifications alone must keep the list right: the reconcile read is not due during the test.
    PLEX_SESSIONS_RECONCILE_SECONDS: '3600',
    PLEX_SESSIONS_POLL_SECONDS: '1',
    ...extra,
  });
  const cookies = new Map<string, string>();
  for (const m of EVENING_MEMBERS) cookies.set(m.username, (await createUser(t.app, t.container, m.username, { plexId: m.plexId })).cookie);
  const monitor = t.container.playback!;
  await monitor.start();
  await vi.waitFor(() => expect(monitor.socketState).toBe('connected'), WAIT);
  return { t, monitor, cookies };
}

export const byMember = (monitor: PlaybackMonitor, username: string) => monitor.streams().find((s) => s.member?.username === username);
