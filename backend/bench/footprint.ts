/**
 * Footprint: what one MediaNest process costs a small server.
 * - First start: a fresh data folder (embedded: the build's template is copied;
 *   PostgreSQL: a fresh database is migrated), from spawning the process to
 *   the first 200 of /health/ready; then its RSS after IDLE_MS of idling.
 * - Restart: the same folder / database again, same two numbers.
 * - After load: RSS after LOAD_SECONDS of the authenticated route (10
 *   connections) and a short settle.
 * The instance runs with the defaults an operator gets: metrics and info logs
 * on, no trace or log shipping.
 */
import fs from 'node:fs';
import path from 'node:path';
import { rssBytes, startInstance } from './instances';
import { runLoad } from './load';

export const IDLE_MS = 10_000;
export const LOAD_SECONDS = 15;

export interface Footprint {
  firstStartReadyMs: number;
  firstStartRssMb: number;
  restartReadyMs: number;
  restartRssMb: number;
  afterLoadRssMb: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => bytes / 1024 / 1024;

export async function measureFootprint(
  root: string,
  databaseUrl: string | undefined,
  redis?: { url: string; keyPrefix: string },
): Promise<Footprint> {
  const dataDir = path.join(root, 'footprint');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const settings = { name: 'footprint', dataDir, observability: true, databaseUrl, redis, noSignIn: true };

  const first = await startInstance(settings);
  let firstStartRssMb: number;
  try {
    await sleep(IDLE_MS);
    firstStartRssMb = mb(rssBytes(first.pid));
  } finally {
    await first.stop();
  }

  const again = await startInstance({ ...settings, noSignIn: false });
  try {
    // The sign-in happened right after ready; idle from here.
    await sleep(IDLE_MS);
    const restartRssMb = mb(rssBytes(again.pid));
    await runLoad(`${again.baseUrl}/api/v1/auth/session`, { seconds: LOAD_SECONDS, connections: 10, headers: { cookie: again.cookie } });
    await sleep(2000);
    return {
      firstStartReadyMs: first.readyMs,
      firstStartRssMb,
      restartReadyMs: again.readyMs,
      restartRssMb,
      afterLoadRssMb: mb(rssBytes(again.pid)),
    };
  } finally {
    await again.stop();
  }
}
