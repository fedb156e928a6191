#!/usr/bin/env node
/**
 * `npm run build` and `npm start`: builds only what changed, so `npm start` on
 * a built tree goes straight to the server (and a bad setting is reported in
 * about a second instead of after half a minute of building).
 *
 * - The web app (type check + Vite, `npm run build -w frontend`) is built when
 *   its inputs changed: the file names and contents of frontend/src,
 *   frontend/public, the contract's sources, the configuration files and the
 *   lock file are hashed, and the hash is kept beside the output
 *   (frontend/dist/.build-inputs).
 * - The contract and the backend are compiled by `tsc -b`, which compares the
 *   sources with the last build's record (dist/.tsbuildinfo) and does nothing
 *   when they are unchanged. Tests, the test harness, the e2e tests and the
 *   benchmark are not part of this build (backend/tsconfig.build.json).
 * - The server's entry points are then bundled into one file each
 *   (backend/scripts/bundle.mjs; skipped when its inputs are unchanged).
 * - The embedded database template is rebuilt only when the migrations or the
 *   PGlite version changed (backend/src/db/build-embedded-template.ts).
 *
 * `--force` (`npm run build -- --force`) rebuilds everything.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesHash, filesUnder } from './inputs-hash.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const run = (command, args) => execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });

const WEB_STAMP = path.join(ROOT, 'frontend', 'dist', '.build-inputs');
const WEB_INPUTS = [
  'frontend/src',
  'frontend/public',
  'frontend/index.html',
  'frontend/package.json',
  'frontend/tsconfig.json',
  'frontend/vite.config.ts',
  'packages/contracts/src',
  'packages/contracts/package.json',
  'tsconfig.base.json',
  'package-lock.json',
];

const webInputsHash = () =>
  filesHash(
    ROOT,
    WEB_INPUTS.flatMap((input) => filesUnder(ROOT, input)),
  );

const webInputs = webInputsHash();
const webBuilt = fs.existsSync(path.join(ROOT, 'frontend', 'dist', 'index.html')) && fs.existsSync(WEB_STAMP);
if (!force && webBuilt && fs.readFileSync(WEB_STAMP, 'utf8').trim() === webInputs) {
  process.stdout.write('web app up to date (frontend/dist)\n');
} else {
  run('npm', ['run', '-s', 'build', '-w', 'frontend']);
  fs.writeFileSync(WEB_STAMP, `${webInputs}\n`);
}

const tsc = createRequire(path.join(ROOT, 'backend', 'package.json')).resolve('typescript/bin/tsc');
run(process.execPath, [tsc, '-b', ...(force ? ['--force'] : []), 'packages/contracts/tsconfig.build.json', 'backend/tsconfig.build.json']);
run(process.execPath, ['backend/scripts/bundle.mjs', ...(force ? ['--force'] : [])]);
run(process.execPath, ['backend/dist/db/build-embedded-template.js']);
