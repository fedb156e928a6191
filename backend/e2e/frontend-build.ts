/**
 * Makes sure the web app is built (frontend/dist) before a browser test starts
 * MediaNest, which serves it only when frontend/dist/index.html exists. Both
 * vitest projects may ask at once: a lock directory lets one build while the
 * other waits for the result.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const FRONTEND_INDEX = path.join(REPO_ROOT, 'frontend/dist/index.html');
const LOCK = path.join(os.tmpdir(), 'medianest-frontend-build.lock');
const STALE_LOCK_MS = 5 * 60_000;
const WAIT_MS = 180_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function ensureFrontendBuilt(): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!fs.existsSync(FRONTEND_INDEX)) {
    try {
      fs.mkdirSync(LOCK);
    } catch {
      // Someone else is building; take over a lock left behind by a killed run.
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another process to build the frontend');
      await sleep(500);
      continue;
    }
    try {
      if (!fs.existsSync(FRONTEND_INDEX)) {
        execFileSync('npm', ['run', 'build', '-w', 'frontend'], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 170_000 });
      }
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
