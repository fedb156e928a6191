/**
 * Node's on-disk cache of compiled JavaScript (`module.enableCompileCache()`,
 * Node ≥ 22.1): a restart reads the bytecode of the modules it loads instead of
 * compiling them again. Imported first by the entry points, so every module
 * after it benefits. On older Node versions it does nothing; NODE_DISABLE_COMPILE_CACHE
 * turns it off (Node's own switch), NODE_COMPILE_CACHE chooses the folder.
 */
import nodeModule from 'node:module';

const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
if (typeof enableCompileCache === 'function') {
  try {
    enableCompileCache.call(nodeModule);
  } catch {
    // A read-only or missing cache folder only costs the compile time it would have saved.
  }
}
