/**
 * Compiled JavaScript cached on disk, so a restart reads the bytecode of the
 * modules it loads instead of compiling them again. Imported first by the
 * entry points, so every module after it benefits.
 *
 * - Node ≥ 22.1: Node's own cache (`module.enableCompileCache()`).
 * - Node 20: V8's code cache for CommonJS through `vm.Script` cachedData
 *   (code-cache.ts), the same technique as the `v8-compile-cache` package.
 *
 * NODE_DISABLE_COMPILE_CACHE turns it off (Node's own switch), NODE_COMPILE_CACHE
 * chooses the folder (default: a folder of this user's in the system's temp folder).
 */
import nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { installCodeCache } from './code-cache';

const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
if (!process.env.NODE_DISABLE_COMPILE_CACHE) {
  try {
    if (typeof enableCompileCache === 'function') enableCompileCache.call(nodeModule);
    else {
      const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
      installCodeCache(process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), `medianest-code-cache-${uid}`));
    }
  } catch {
    // A read-only or missing cache folder only costs the compile time it would have saved.
  }
}
