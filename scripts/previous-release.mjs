#!/usr/bin/env node
// The previous release (the commit in release/previous-commit), built for the upgrade test
// (backend/e2e/upgrade.e2e.test.ts): extracted with `git archive` into the system temp folder
// as medianest-release-<commit>, its backend's dependencies installed (`npm ci -w backend`: the
// web app and the repository's lint tools are not needed to start its server) and the backend
// built. Done once per commit; prints the path of its backend/dist/main.js.
//
//   node scripts/previous-release.mjs
//
// .ci/run starts it beside the lint step, so the test (which runs it too) finds it built; a second
// caller waits for the first one's build instead of starting its own.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const commit = fs.readFileSync(path.join(REPO, 'release/previous-commit'), 'utf8').trim();
const dir = path.join(os.tmpdir(), `medianest-release-${commit}`);
const main = path.join(dir, 'backend/dist/main.js');
const done = path.join(dir, '.medianest-built');
const lock = `${dir}.lock`;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Takes the lock, or waits while a live process holds it; a dead holder's lock is taken over. */
function acquire() {
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(lock, 'utf8') || 0);
    if (holder && !alive(holder)) fs.rmSync(lock, { force: true });
    else sleep(500);
  }
}

function build() {
  try {
    execFileSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: REPO, stdio: 'ignore' });
  } catch {
    throw new Error(
      `the upgrade test needs git and the previous release's commit ${commit} (release/previous-commit) in this clone; ` +
        'fetch the full history (git fetch --unshallow) or install git',
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const archive = `${dir}.tar`;
  run('git', ['archive', '--format=tar', '-o', archive, commit], REPO);
  run('tar', ['-xf', archive, '-C', dir], REPO);
  fs.rmSync(archive);
  run('npm', ['ci', '--no-audit', '--no-fund', '-w', 'backend'], dir);
  run('npm', ['run', 'build', '-w', 'backend'], dir);
  fs.writeFileSync(done, `${new Date().toISOString()}\n`);
}

if (!fs.existsSync(done)) {
  acquire();
  try {
    if (!fs.existsSync(done)) build();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
process.stdout.write(`${main}\n`);
