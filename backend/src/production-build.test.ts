/**
 * What ships: the image takes of the backend only backend/dist, the migrations
 * and package.json, and backend/dist is compiled from backend/src alone. No
 * test, fake upstream, receiver, e2e test or benchmark reaches an operator's
 * machine (they live in backend/test, backend/e2e and backend/bench, which the
 * Docker build context leaves out as well). Needs `npm run build -w backend`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeKeepsCompileCache } from './code-cache';
import { NODE_LAUNCH_FLAGS } from './launch-flags';

const BACKEND = path.resolve(__dirname, '..');
const REPO = path.resolve(BACKEND, '..');
const HARNESS_FOLDERS = ['test', 'e2e', 'bench'];
/** A path of the harness: one of its folders or a fake or receiver anywhere, or a compiled test or drill. */
const HARNESS_FILE = /(^|\/)(test|e2e|bench|fakes|receivers)\/|fake|\.(test|drill)\.js(\.map)?$/;

function readLines(file: string): string[] {
  return fs
    .readFileSync(path.join(REPO, file), 'utf8')
    .replace(/\\\n/g, ' ') // an instruction continued on the next line is one line
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '));
}

describe('the production build', () => {
  it('holds the server and nothing of the test harness, the e2e tests or the benchmark', () => {
    const dist = path.join(BACKEND, 'dist');
    const files = fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/'));
    for (const entry of ['main', 'worker']) expect(files).toEqual(expect.arrayContaining([`${entry}.js`, `${entry}.bundle.js`]));
    expect(files.filter((f) => HARNESS_FILE.test(f))).toEqual([]);
  });

  it('starts from one file per entry point, which loads the optional packages only when they are used', () => {
    for (const entry of ['main.bundle.js', 'worker.bundle.js']) {
      const bundle = fs.readFileSync(path.join(BACKEND, 'dist', entry), 'utf8');
      expect(bundle.startsWith('// MediaNest server bundle'), `${entry} is not a bundle: run npm run build`).toBe(true);
      // A bundle may run from a code cache (code-cache.ts), where Node 20 cannot import(): packages are required.
      expect(bundle).not.toMatch(/[^.\w]import\("/);
      // One-byte text: Node reads it and V8 compiles it faster than a file with a single non-ASCII character.
      expect(bundle.search(/[\u0080-\uffff]/), `${entry} holds a non-ASCII character`).toBe(-1);
      // No module of our own is loaded file by file…
      expect(bundle).not.toMatch(/require\("\.\.?\//);
      // …and what is only loaded when configured stays a package of its own, read from node_modules then.
      for (const pkg of ['ioredis', 'bullmq', '@opentelemetry/sdk-trace-node']) expect(bundle).toContain(`require("${pkg}")`);
      // The log file's rotation brings the date-fns functions it uses, not date-fns' index and all ~300 modules.
      expect(bundle).toContain('node_modules/date-fns/format.cjs');
      expect(bundle).not.toContain('node_modules/date-fns/index.cjs');
    }
    const main = fs.readFileSync(path.join(BACKEND, 'dist', 'main.bundle.js'), 'utf8');
    for (const pkg of ['web-push', 'nodemailer']) expect(main).toContain(`require("${pkg}")`);
    // What operators run is the launcher (launch.ts): a few KB that run the bundle, not a copy of it.
    for (const entry of ['main.js', 'worker.js']) {
      const launcher = fs.readFileSync(path.join(BACKEND, 'dist', entry), 'utf8');
      expect(launcher.startsWith('// MediaNest launcher'), `${entry} is not the launcher: run npm run build`).toBe(true);
      expect(launcher.length).toBeLessThan(20_000);
    }
  });

  it('leaves first starts a code cache that V8 takes under a start’s flags, for each entry and database', () => {
    if (nodeKeepsCompileCache()) return; // Node's own cache
    const dist = path.join(BACKEND, 'dist');
    const caches = fs.readdirSync(path.join(dist, 'compile-cache'));
    for (const [entry, variant] of [
      ['main', 'embedded-db'],
      ['main', 'postgresql'],
      ['worker', 'postgresql'],
    ] as const) {
      const bundle = path.join(dist, `${entry}.bundle.js`);
      const file = caches.find((name) => name.startsWith(`medianest-${entry}-${variant}-${process.version}-`));
      expect(file, `no build cache for ${entry} (${variant}): run npm run build`).toBeDefined();
      // What the launcher does before it compiles the bundle: the runtime's settings, the embedded database's flags.
      const check = `require(${JSON.stringify(path.join(dist, 'runtime-settings.js'))});
        if (${variant === 'embedded-db'}) require(${JSON.stringify(path.join(dist, 'launch-flags.js'))}).setEmbeddedV8Flags();
        const fs = require('fs'), vm = require('vm'), { wrap } = require('module');
        const script = new vm.Script(wrap(fs.readFileSync(${JSON.stringify(bundle)}, 'latin1')), {
          filename: ${JSON.stringify(bundle)}, cachedData: fs.readFileSync(${JSON.stringify(path.join(dist, 'compile-cache', file!))}) });
        process.stdout.write(String(script.cachedDataRejected));`;
      const result = spawnSync(process.execPath, [...NODE_LAUNCH_FLAGS, '-e', check], { encoding: 'utf8' });
      expect(result.stdout, `${entry} (${variant}): ${result.stderr}`).toBe('false');
    }
  });

  it('is compiled from backend/src alone', () => {
    const build = JSON.parse(fs.readFileSync(path.join(BACKEND, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string };
      include: string[];
    };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(build.include).toEqual(['src/**/*.ts']);
    for (const folder of HARNESS_FOLDERS) expect(fs.existsSync(path.join(BACKEND, 'src', folder))).toBe(false);
  });

  it('is all the image copies of the backend, and the harness is not even in the build context', () => {
    const dockerfile = readLines('Dockerfile');
    // The runtime takes from the build the node binary and /release, where the build gathers what ships.
    expect(dockerfile.filter((line) => line.startsWith('COPY --from=build'))).toEqual([
      'COPY --from=build /usr/local/bin/node /usr/local/bin/node',
      'COPY --from=build /release/ ./',
    ]);
    const gathered = dockerfile.flatMap((line) => / cp -a --parents (.+?) \/release\/$/.exec(line)?.[1]?.split(' ') ?? []);
    expect(gathered.filter((file) => file.startsWith('backend/')).sort()).toEqual([
      'backend/dist',
      'backend/drizzle',
      'backend/package.json',
    ]);
    expect(readLines('.dockerignore')).toEqual(expect.arrayContaining(HARNESS_FOLDERS.map((folder) => `backend/${folder}`)));
  });
});
