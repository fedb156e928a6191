#!/usr/bin/env node
/**
 * The last step of `npm run build -w backend`: each of the server's entry
 * points (`src/main.ts`, `src/worker.ts`) becomes one file, `dist/main.bundle.js`
 * and `dist/worker.bundle.js`, holding MediaNest's own code, the contract and the
 * pure-JavaScript packages they use (Express, zod, Drizzle, prom-client, …).
 * Loading ~900 small modules — finding, reading and compiling each — was a third
 * of a start; one file is read once. Every module still runs only when first
 * required, as before: what is loaded lazily (the server after the configuration
 * is checked, the OpenTelemetry SDK only with an endpoint) stays lazy.
 * `dist/main.js` and `dist/worker.js`, what operators run, are the launcher
 * (`src/launch.ts`, a few KB): it sets the runtime's flags, then runs its
 * bundle from the code cache (`src/code-cache.ts`). The build leaves the cache a
 * first start uses in `dist/compile-cache/` (on Node < 22.1; newer versions keep
 * their own).
 *
 * Left out, and loaded from node_modules as before:
 * - packages that read files beside their own code (PGlite's WebAssembly,
 *   BullMQ's Lua scripts, thread-stream's worker for pino's transports, which
 *   MediaNest does not use) — pino and pino-roll, which run in the process, are
 *   bundled, and with pino-roll only the few date-fns functions it uses
 *   (`dateFnsAsUsed`) instead of all ~300 modules of date-fns;
 * - packages that are only loaded when configured (the OpenTelemetry SDK —
 *   all of `@opentelemetry/*` but the API —, Web Push, SMTP, ioredis, pg), so
 *   they cost nothing when they are not;
 * - Socket.IO and its adapters, which must share one copy of socket.io-adapter.
 * The rest of `dist/` stays file by file (the admin CLI, the template builder,
 * the benchmark use it). The entry points are bundled from the TypeScript
 * sources, so a bundle is never built from a previous bundle; it is rebuilt
 * only when those sources, the contract or the lock file changed (their hash is
 * kept in dist/.bundle-inputs) or when an entry point is not a bundle (after a
 * plain `tsc`). `--force` rebuilds it.
 */
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { filesHash, filesUnder } from '../../scripts/inputs-hash.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const BACKEND = path.resolve(path.dirname(SCRIPT), '..');
const REPO = path.resolve(BACKEND, '..');
const ENTRIES = ['main', 'worker'];
/** The first line of every bundle: how the build tells a bundle from tsc's file-by-file entry point. */
const BANNER = '// MediaNest server bundle (backend/scripts/bundle.mjs)';
/** The first line of the launchers (`dist/main.js`, `dist/worker.js`). */
const LAUNCHER_BANNER = '// MediaNest launcher (backend/scripts/bundle.mjs)';
const bundleFile = (entry) => path.join(BACKEND, 'dist', `${entry}.bundle.js`);
const launcherFile = (entry) => path.join(BACKEND, 'dist', `${entry}.js`);
const STAMP = path.join(BACKEND, 'dist', '.bundle-inputs');
/** The code cache a first start uses (src/code-cache.ts writeBuildCache): per entry, per flags variant. */
const BUILD_CACHE = path.join(BACKEND, 'dist', 'compile-cache');
const BUILD_CACHE_VARIANTS = { main: ['embedded-db', 'postgresql'], worker: ['postgresql'] };
/** Node ≥ 22.1 keeps its own compile cache, and the build leaves none. */
const NODE_CACHES = typeof nodeModule.enableCompileCache === 'function';

const EXTERNAL = [
  '@electric-sql/pglite',
  'bullmq',
  'pino-pretty',
  'thread-stream',
  'web-push',
  'nodemailer',
  'ioredis',
  'pg',
  'pg-*',
  'socket.io',
  'socket.io-*',
  'engine.io',
  '@socket.io/*',
];

/**
 * The OpenTelemetry SDK, its instrumentations and exporters stay in node_modules: they are loaded
 * only with an OTLP endpoint, and must be the copies the instrumentations patch. The API
 * (`@opentelemetry/api`), which every start reads for the span helpers, is bundled (65 files read
 * one by one: ~30 ms of a start); a bundled API and the SDK's own copy share one state, kept in
 * globals under the API's major version, as the API is designed for.
 */
const openTelemetryButTheApi = {
  name: 'opentelemetry-but-the-api',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\// }, (args) =>
      args.path === '@opentelemetry/api' ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * `require('date-fns')` in a CommonJS module brings date-fns' index, which requires all ~300 of its
 * modules (~390 KB of the bundle, all run at the first require) — pino-roll's log-file rotation
 * uses five functions. Such a require is bundled as an object of just the functions the module
 * destructures from it, each from its own date-fns entry point. A require the plugin cannot read
 * that way is left alone (the whole of date-fns, as before), with a warning.
 */
const dateFnsAsUsed = {
  name: 'date-fns-as-used',
  setup(build) {
    build.onResolve({ filter: /^date-fns$/ }, (args) => {
      if (args.kind !== 'require-call') return undefined;
      const source = fs.readFileSync(args.importer, 'utf8');
      const names = /const\s*\{([\w\s,]+)\}\s*=\s*require\(['"]date-fns['"]\)/.exec(source)?.[1];
      if (!names) return { warnings: [{ text: `${args.importer}: require('date-fns') is bundled whole` }] };
      return {
        path: path.relative(REPO, args.importer),
        namespace: 'date-fns-as-used',
        pluginData: {
          names: names
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean),
        },
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'date-fns-as-used' }, (args) => ({
      contents: args.pluginData.names.map((n) => `exports.${n} = require('date-fns/${n}').${n};`).join('\n'),
      resolveDir: path.dirname(path.join(REPO, args.path)),
      loader: 'js',
    }));
  },
};

/** The entry points' sources (the contract's too), the lock file and this script. */
const inputsHash = () =>
  filesHash(REPO, [
    ...['backend/src', 'packages/contracts/src'].flatMap((folder) =>
      filesUnder(REPO, folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')),
    ),
    'package-lock.json',
    path.relative(REPO, SCRIPT),
  ]);

/** Whether `file` starts with `banner` (its first bytes only: a bundle is 5 MB). */
const startsWith = (file, banner) => {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(Buffer.byteLength(banner));
    fs.readSync(fd, head, 0, head.length, 0);
    return head.toString('utf8') === banner;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

const inputs = inputsHash();
const upToDate =
  !process.argv.includes('--force') &&
  ENTRIES.every((entry) => startsWith(bundleFile(entry), BANNER) && startsWith(launcherFile(entry), LAUNCHER_BANNER)) &&
  fs.existsSync(STAMP) &&
  fs.readFileSync(STAMP, 'utf8').trim() === inputs &&
  (NODE_CACHES || (fs.existsSync(BUILD_CACHE) && fs.readdirSync(BUILD_CACHE).some((f) => f.includes(`-${process.version}-`))));
if (upToDate) {
  process.stdout.write('server bundle up to date (dist/main.bundle.js, dist/worker.bundle.js)\n');
  process.exit(0);
}

const started = Date.now();
/** What both builds share. */
const NODE_CJS = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', legalComments: 'none', logLevel: 'warning' };
await build({
  ...NODE_CJS,
  entryPoints: ENTRIES.map((entry) => ({ in: path.join(BACKEND, 'src', `${entry}.ts`), out: `${entry}.bundle` })),
  banner: { js: BANNER },
  outdir: path.join(BACKEND, 'dist'),
  external: EXTERNAL,
  // The contract from its TypeScript source, like the server's own code: compiled to CommonJS, its
  // require('zod') would bring zod's CommonJS build into the bundle beside the ESM build the server's
  // imports resolve to, two copies of zod (0.9 MB each) read and compiled at every start.
  alias: { '@medianest/contracts': path.join(REPO, 'packages/contracts/src/index.ts') },
  // A package without an exports map: its `main` (what Node itself loads) before its `module`.
  mainFields: ['main', 'module'],
  // No keepNames: the bundle is not minified, so functions keep their own names (a name that two
  // modules share gets a number). keepNames would wrap every named function and closure in a call
  // that redefines its `name` as it is created, which turns each closure made per request (Express's
  // `next`, drizzle's query objects) into a slow dictionary object with a hidden class of its own.
  plugins: [openTelemetryButTheApi, dateFnsAsUsed],
  tsconfig: path.join(BACKEND, 'tsconfig.build.json'),
});
// The launchers: one file for both entry points (it finds its bundle by its own name).
await build({
  ...NODE_CJS,
  entryPoints: [path.join(BACKEND, 'src', 'launch.ts')],
  banner: { js: LAUNCHER_BANNER },
  outfile: launcherFile(ENTRIES[0]),
  tsconfig: path.join(BACKEND, 'tsconfig.build.json'),
});
for (const entry of ENTRIES.slice(1)) fs.copyFileSync(launcherFile(ENTRIES[0]), launcherFile(entry));
// esbuild escapes every non-ASCII character of strings, templates and regular expressions
// (charset 'ascii') but copies comments as they are: a dash in one comment made the whole 6 MB
// a two-byte string, which Node reads and V8 compiles ~65 ms slower at every start. Escaped
// the same way, the comments' characters become plain ASCII text.
for (const entry of ENTRIES) {
  const file = bundleFile(entry);
  const code = fs.readFileSync(file, 'utf8');
  const ascii = code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== code) fs.writeFileSync(file, ascii);
}
// The first start's code cache, written by the launchers themselves under the flags a start runs with.
if (!NODE_CACHES) {
  const { NODE_LAUNCH_FLAGS } = nodeModule.createRequire(import.meta.url)('../dist/launch-flags.js');
  fs.rmSync(BUILD_CACHE, { recursive: true, force: true });
  for (const [entry, variants] of Object.entries(BUILD_CACHE_VARIANTS))
    for (const variant of variants)
      execFileSync(process.execPath, [...NODE_LAUNCH_FLAGS, launcherFile(entry), `--write-build-cache=${variant}`], { stdio: 'inherit' });
}
fs.writeFileSync(STAMP, `${inputs}\n`);
process.stdout.write(`server bundled (dist/main.bundle.js, dist/worker.bundle.js and their launchers, ${Date.now() - started} ms)\n`);
