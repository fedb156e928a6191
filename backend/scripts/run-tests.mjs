#!/usr/bin/env node
/**
 * `npm test -w backend`: the end-to-end tests (e2e/, one file at a time) and the
 * unit and integration tests (src/ and test/, in the embedded and services
 * projects, two files at a time) as two Vitest runs side by side.
 *
 * In one Vitest run, a project whose files run one at a time starts only after
 * every other project has finished, so the end-to-end files (~8 min, mostly
 * waiting: alerts that must fire, browsers, a cluster behind HAProxy) used to
 * follow the unit files (~9 min, using less than one core on average). Side
 * by side, the waiting overlaps the computing: 9 min 43 s for both instead of
 * 17 min 17 s, measured on the same 2-core machine.
 *
 * The unit run prints as it goes; the end-to-end run's output is kept in a file
 * and printed when both are done. The exit code is non-zero if either failed.
 * With arguments (`npm test -w backend -- src/foo.test.ts`), one run of every
 * project gets them instead.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const backend = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitest = path.join(backend, 'node_modules/.bin/vitest');
const bin = fs.existsSync(vitest) ? vitest : path.join(backend, '../node_modules/.bin/vitest');
const ALL = ['--project', 'embedded', '--project', 'services', '--project', 'e2e'];

function run(args, stdio) {
  return new Promise((resolve) => {
    const child = spawn(bin, ['run', ...args], { cwd: backend, stdio });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const extra = process.argv.slice(2);
if (extra.length > 0) process.exit(await run([...ALL, ...extra], 'inherit'));

const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-e2e-')), 'e2e.log');
const log = fs.openSync(logFile, 'w');
const started = Date.now();
process.stdout.write(`end-to-end tests run alongside; their output follows the unit tests' (${logFile})\n`);
const e2e = run(['--project', 'e2e'], ['ignore', log, log]);
const unit = await run(['--project', 'embedded', '--project', 'services'], 'inherit');
const unitSeconds = Math.round((Date.now() - started) / 1000);
const e2eCode = await e2e;
fs.closeSync(log);
process.stdout.write(`\n== end-to-end tests (unit tests took ${unitSeconds} s, both ${Math.round((Date.now() - started) / 1000)} s)\n`);
process.stdout.write(fs.readFileSync(logFile, 'utf8'));
process.exit(unit !== 0 ? unit : e2eCode);
