/**
 * The bundles' code cache (code-cache.ts), as a restart sees it: the first run of a bundle compiles
 * it and leaves a cache at exit, the next runs from that cache and behaves the same; a rebuilt
 * bundle is never run from the old one's cache; a folder others could write to is not used. Each
 * run is a child process running the built module (`npx tsc -p tsconfig.build.json` first).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, DIST_DIR } from '../test/app-process';
import { nodeKeepsCompileCache } from './code-cache';

/** Node ≥ 22.1 caches the bundle itself; this module's own cache is for older versions. */
const NODE_CACHES = nodeKeepsCompileCache();

let root: string;
let bundle: string;
let folder: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-code-cache-'));
  bundle = path.join(root, 'app', 'main.bundle.js');
  folder = path.join(root, 'cache');
  fs.mkdirSync(path.dirname(bundle));
  fs.writeFileSync(path.join(root, 'app', 'helper.js'), 'module.exports = (a, b) => a + b;\n');
  writeBundle(2);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** A small bundle that uses what a module has: require of a file beside it, __filename, __dirname, exports. */
function writeBundle(b: number): void {
  fs.writeFileSync(
    bundle,
    `const add = require('./helper.js');
     module.exports.answer = add(40, ${b});
     console.log(JSON.stringify({ answer: module.exports.answer, file: __filename, dir: __dirname, cached: require.cache[__filename] === module }));\n`,
  );
}

/** Runs the bundle through runBundle in a new process, as a start does. */
function start(env: Record<string, string> = { NODE_COMPILE_CACHE: folder }): {
  how: string;
  answer: number;
  file: string;
  dir: string;
  cached: boolean;
} {
  assertBuilt();
  const script = `const how = require(${JSON.stringify(path.join(DIST_DIR, 'code-cache.js'))}).runBundle(${JSON.stringify(bundle)}, 'test');
    console.log(JSON.stringify({ how }));`;
  const result = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  const [ran, how] = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...(ran as { answer: number; file: string; dir: string; cached: boolean }), how: how!.how as string };
}

const cacheFiles = (of = folder) => (fs.existsSync(of) ? fs.readdirSync(of).filter((f) => f.endsWith('.v8cache')) : []);

/** What the build does: the bundle's cache for first starts, written under `nodeFlags`. */
function writeBuildCache(nodeFlags: string[] = []): void {
  assertBuilt();
  const script = `require(${JSON.stringify(path.join(DIST_DIR, 'code-cache.js'))}).writeBuildCache(${JSON.stringify(bundle)}, 'test')`;
  const result = spawnSync(process.execPath, [...nodeFlags, '-e', script], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
}

describe('the bundle code cache', () => {
  it('compiles a bundle once: the next start runs it from the cache written at exit, with the same result', () => {
    const first = start();
    expect(first).toMatchObject({ answer: 42, file: bundle, dir: path.dirname(bundle), cached: true });
    if (NODE_CACHES) {
      expect(first.how).toBe('node-compile-cache');
      return;
    }
    expect(first.how).toBe('from-source');
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()[0]).toMatch(/^medianest-main-test-v\d+\.\d+\.\d+-\w+-\d+-\d+\.v8cache$/);
    // Only this account may read or write it: a code cache is code.
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(folder, cacheFiles()[0]!)).mode & 0o777).toBe(0o600);

    const second = start();
    expect(second).toEqual({ ...first, how: 'from-cache' });
    expect(start().how).toBe('from-cache');
  });

  it('runs a first start from the build’s cache, which then writes its own complete one', () => {
    if (NODE_CACHES) return;
    writeBuildCache();
    const built = path.join(path.dirname(bundle), 'compile-cache');
    expect(cacheFiles(built)).toHaveLength(1);
    expect(fs.statSync(path.join(built, cacheFiles(built)[0]!)).mode & 0o777).toBe(0o644); // as readable as the bundle
    expect(start()).toMatchObject({ answer: 42, how: 'from-build-cache' });
    expect(cacheFiles()).toEqual(cacheFiles(built)); // the run's own, same name, in the run's folder
    expect(start()).toMatchObject({ answer: 42, how: 'from-cache' });
  });

  it('compiles from source when the build’s cache was written under other flags than the start', () => {
    if (NODE_CACHES) return;
    writeBuildCache(['--max-semi-space-size=8']);
    expect(start()).toMatchObject({ answer: 42, how: 'from-source' });
    expect(start()).toMatchObject({ answer: 42, how: 'from-cache' });
  });

  it('never runs a rebuilt bundle from the old bundle’s cache, and replaces that cache', () => {
    if (NODE_CACHES) return;
    start();
    const old = cacheFiles();
    writeBundle(3);
    // The same length, so V8's own check (the source's length) would take the old cache.
    fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    const rebuilt = start();
    expect(rebuilt).toMatchObject({ answer: 43, how: 'from-source' });
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()).not.toEqual(old);
    expect(start()).toMatchObject({ answer: 43, how: 'from-cache' });
  });

  it('uses no folder that someone else could write to, and none when NODE_DISABLE_COMPILE_CACHE is set', () => {
    if (NODE_CACHES) return;
    fs.mkdirSync(folder);
    fs.chmodSync(folder, 0o777);
    expect(start()).toMatchObject({ answer: 42, how: 'without-cache' });
    expect(start()).toMatchObject({ answer: 42, how: 'without-cache' });
    expect(cacheFiles()).toEqual([]);

    fs.chmodSync(folder, 0o700);
    expect(start({ NODE_COMPILE_CACHE: folder, NODE_DISABLE_COMPILE_CACHE: '1' }).how).toBe('without-cache');
    expect(cacheFiles()).toEqual([]);
  });
});
