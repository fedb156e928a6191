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
 * - No allocation-site pretenuring: V8 otherwise starts allocating the objects of
 *   a site whose objects often survived a young collection straight in the old
 *   generation. Under load, sites that serve requests qualify; their objects then
 *   die in the old generation while still pointing at the request's young
 *   objects, which the young collections must keep (they cannot see that the old
 *   object is dead) and promote in turn. Measured on the database route with
 *   everything on, one request at a time: 14 KB promoted a request with it, under
 *   1 KB without, and a full collection every ~1,000 requests instead of every
 *   ~6,000. Also read at every collection; an operator's
 *   `--allocation-site-pretenuring` wins.
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

const operatorFlags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const given = (name: RegExp) => operatorFlags.some((flag) => name.test(flag));
if (!given(/^--heap[-_]growing[-_]percent/)) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
if (!given(/^--(no-)?allocation[-_]site[-_]pretenuring/)) v8.setFlagsFromString('--no-allocation-site-pretenuring');
