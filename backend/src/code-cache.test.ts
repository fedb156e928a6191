/**
 * The Node 20 code cache (code-cache.ts), on the built module in child
 * processes: a restart runs its modules from cached bytecode and behaves the
 * same, an upgraded module (even one of the same length) runs its new code,
 * and modules using import() still work.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, DIST_DIR } from '../test/app-process';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-code-cache-'));
  fs.mkdirSync(path.join(root, 'app'));
  write('greeting.js', "module.exports = () => 'hello';\n");
  write('counter.js', 'let n = 0;\nmodule.exports = () => ++n;\n');
  write('lazy.js', "module.exports = () => import('./greeting.js').then((m) => m.default());\n");
  write('esm-syntax.js', 'export const answer = 42;\n');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): void {
  fs.writeFileSync(path.join(root, 'app', name), text);
}

/** One start: loads the three modules through the cache and reports what they did and the cache's counts. */
function start(): { greeting: string; count: number; lazy: string; answer: number; stats: { hits: number; misses: number } } {
  assertBuilt();
  const script = `
    const { installCodeCache, codeCacheStats } = require(${JSON.stringify(path.join(DIST_DIR, 'code-cache.js'))});
    installCodeCache(${JSON.stringify(path.join(root, 'cache'))});
    const app = ${JSON.stringify(path.join(root, 'app'))};
    const counter = require(app + '/counter.js');
    counter();
    Promise.all([require(app + '/lazy.js')(), import(app + '/esm-syntax.js')]).then(([lazy, esm]) => {
      const greeting = require(app + '/greeting.js')();
      console.log(JSON.stringify({ greeting, count: counter(), lazy, answer: esm.answer, stats: codeCacheStats() }));
    });`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim()) as ReturnType<typeof start>;
}

describe('the code cache (Node without a compile cache of its own)', () => {
  it('runs a restart from cached bytecode, with the same results', () => {
    const first = start();
    expect(first).toMatchObject({ greeting: 'hello', count: 2, lazy: 'hello', answer: 42 });
    // lazy.js uses import() and esm-syntax.js is an ES module: both are compiled by Node itself.
    expect(first.stats).toEqual({ hits: 0, misses: 2 });
    const files = fs.readdirSync(path.join(root, 'cache'));
    expect(files.some((f) => f.endsWith('.blob'))).toBe(true);
    for (const f of files) expect(fs.statSync(path.join(root, 'cache', f)).mode & 0o077).toBe(0);

    const again = start();
    expect(again).toEqual({ ...first, stats: { hits: 2, misses: 0 } });
  });

  it('runs the new code of an upgraded module, even when its text has the same length', () => {
    expect(start().greeting).toBe('hello');
    write('greeting.js', "module.exports = () => 'howdy';\n");
    const upgraded = start();
    expect(upgraded.greeting).toBe('howdy');
    expect(upgraded.stats).toEqual({ hits: 1, misses: 1 });
    expect(start().stats).toEqual({ hits: 2, misses: 0 });
  });
});
