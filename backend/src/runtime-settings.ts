/**
 * Settings of the Node.js runtime itself, applied first thing by the entry
 * points (main.ts, worker.ts), before any other module is loaded.
 *
 * - Compiled modules are cached on disk (`module.enableCompileCache()`, Node ≥ 22.1):
 *   a restart reads the bytecode of the modules it loads instead of compiling them
 *   again. On older Node versions it does nothing; NODE_DISABLE_COMPILE_CACHE turns
 *   it off (Node's own switch), NODE_COMPILE_CACHE chooses the folder.
 * - The heap grows by half of what survived a full collection (V8's own factor is
 *   up to 4×, tuned for throughput on big machines): under load V8 otherwise let
 *   the old generation fill with up to ~100 MB of garbage before collecting it,
 *   most of the resident memory after a burst. The young generation's size is a
 *   launch flag (`--max-semi-space-size`, on every command that starts the
 *   server); this one is read at every collection and can be set here. A
 *   `--heap-growing-percent` given by the operator (NODE_OPTIONS) wins.
 */
import nodeModule from 'node:module';
import v8 from 'node:v8';

/** The old generation's growth after a full collection, in per cent of what survived it. */
export const HEAP_GROWING_PERCENT = 50;

const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
if (typeof enableCompileCache === 'function') {
  try {
    enableCompileCache.call(nodeModule);
  } catch {
    // A read-only or missing cache folder only costs the compile time it would have saved.
  }
}

const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((flag) =>
  /^--heap[-_]growing[-_]percent/.test(flag),
);
if (!given) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
