/**
 * What `dist/main.js` and `dist/worker.js` are in a build: a few lines that
 * prepare the runtime, then run the entry point's bundle (`dist/main.bundle.js`,
 * `dist/worker.bundle.js`, built by scripts/bundle.mjs) from the code cache
 * (code-cache.ts). Every V8 flag MediaNest sets for itself is set here, before
 * the bundle is compiled: a code cache only fits the flags it was written
 * under, so a flag set later (the embedded database's) would make V8 refuse
 * at the next start the cache this run writes at exit.
 *
 * `--write-build-cache=<variant>` is the build's: it writes the cache a first
 * start uses (code-cache.ts `writeBuildCache`) under exactly these flags, and
 * runs nothing.
 */
import './runtime-settings';
import path from 'node:path';
import { runBundle, writeBuildCache } from './code-cache';
import { setEmbeddedV8Flags } from './launch-flags';

const EMBEDDED = 'embedded-db';
const buildCacheVariant = /^--write-build-cache=(embedded-db|postgresql)$/.exec(process.argv[2] ?? '')?.[1];
// The embedded database is the one used when no DATABASE_URL is set (config.ts).
const embedded = buildCacheVariant ? buildCacheVariant === EMBEDDED : !process.env.DATABASE_URL;
if (embedded) setEmbeddedV8Flags();
const bundle = path.join(__dirname, `${path.basename(__filename, '.js')}.bundle.js`);
const variant = embedded ? EMBEDDED : 'postgresql';
if (buildCacheVariant) writeBuildCache(bundle, variant);
else runBundle(bundle, variant);
