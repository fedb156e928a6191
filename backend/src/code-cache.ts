/**
 * Runs a server bundle (`dist/main.bundle.js`, `dist/worker.bundle.js`) with
 * its compiled code kept on disk between starts.
 *
 * V8 compiles the 4.6 MB bundle at every start (~90–130 ms on a 2-core VM),
 * and then, one by one, each function the start runs for the first time.
 * Node ≥ 22.1 keeps that work on disk itself (`module.enableCompileCache()`,
 * which runtime-settings.ts switches on before the bundle is loaded). On older
 * Node versions this module does the same with V8's code cache: the bundle is
 * compiled as a `vm.Script` with the cache of an earlier run, and when there
 * was none (or V8 refused it) the run writes one as it exits, holding every
 * function it compiled. Measured on the embedded database, restart → ready:
 * about 130–200 ms less (docs/performance.md, "Start-up").
 *
 * A first start has no cache of its own yet. The build leaves one beside the
 * bundle (`dist/compile-cache/`, `writeBuildCache`): the bundle compiled under
 * the flags of `npm start`, before anything runs, so it holds the top-level
 * code only — V8 skips parsing the ~5 MB (~75 ms → ~9 ms on a 2-core VM) and
 * compiles each function the start runs as usual. A start that ran from it
 * still writes its complete cache at exit. It is as trusted as the bundle it
 * sits beside; a run under other flags (V8 refuses it) compiles from source.
 *
 * V8 checks a cache against its own version, the V8 flags in force and the
 * source's length only, so the file's name carries what else must match: the
 * entry, the flags' variant, Node's version and architecture, and the bundle's
 * size and mtime (a rebuilt bundle gets a cache of its own; older ones are
 * removed). The V8
 * flags MediaNest sets itself are set before the bundle is compiled
 * (launch.ts), so a cache written at exit is valid for the next start.
 *
 * A code cache is executable code: it is only read from a folder that belongs
 * to this account and that no one else may write to (NODE_COMPILE_CACHE, else
 * `<tmp>/medianest-compile-cache-<uid>`). NODE_DISABLE_COMPILE_CACHE turns it
 * off, as it does Node's own. Nothing here can stop a start: a cache that
 * cannot be read or written only costs the time it would have saved.
 */
import fs from 'node:fs';
import nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

interface ModuleInternals {
  _nodeModulePaths(dir: string): string[];
}

/** The folder the cache files go in; undefined when turned off or not safe to use. */
function cacheFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const folder = env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), `medianest-compile-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(folder);
    // Not a symbolic link, ours, and writable by no one else: nobody can plant code for us to run.
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

/**
 * The cache file of `bundle` as it is now, for runs with the V8 flags `variant` names: a rebuilt
 * bundle has a name of its own, and so do runs under other flags (the embedded database's).
 */
function cacheFileName(bundle: string, variant: string, stat: Pick<fs.Stats, 'size' | 'mtimeMs'>): string {
  const entry = path.basename(bundle).replace(/(\.bundle)?\.js$/, '');
  return `medianest-${entry}-${variant}-${process.version}-${process.arch}-${stat.size}-${Math.round(stat.mtimeMs)}.v8cache`;
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache beside its older versions, which it then replaces (a rename: never half a file). */
function writeCache(folder: string, name: string, data: Buffer, mode = 0o600): void {
  try {
    const file = path.join(folder, name);
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, data, { mode });
    fs.renameSync(partial, file);
    const stale = name.slice(0, name.indexOf(`-${process.version}-`) + 1);
    for (const other of fs.readdirSync(folder))
      if (other !== name && other.startsWith(stale)) fs.rmSync(path.join(folder, other), { force: true });
  } catch {
    // A full or read-only disk: the next start compiles as usual.
  }
}

/**
 * How a bundle was compiled: by Node with its own compile cache (Node ≥ 22.1), from this module's
 * cache, from the build's, or from its source (no valid cache yet: one is written at exit; or no
 * cache folder).
 */
type BundleCompile = 'node-compile-cache' | 'from-cache' | 'from-build-cache' | 'from-source' | 'without-cache';

/** Node ≥ 22.1 caches every module itself (runtime-settings.ts switches it on), the bundle included. */
export const nodeKeepsCompileCache = () => typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Where the build leaves its cache of a bundle: beside it. */
const buildCacheFolder = (bundle: string) => path.join(path.dirname(bundle), 'compile-cache');

/** The bundle's source wrapped as a module, compiled (with `cachedData` when given). */
function compileBundle(bundle: string, cachedData?: Buffer): vm.Script {
  // Latin-1: the bundle is plain ASCII (scripts/bundle.mjs), which V8 keeps as a one-byte string.
  const source = fs.readFileSync(bundle, 'latin1');
  return new vm.Script(nodeModule.wrap(source), { filename: bundle, cachedData });
}

/**
 * The build's step (scripts/bundle.mjs, through the launcher, so that the flags are a start's): the
 * bundle compiled and not run, its cache written beside it for first starts. Nothing on Node ≥ 22.1.
 */
export function writeBuildCache(bundle: string, variant: string): void {
  if (nodeKeepsCompileCache()) return;
  const folder = buildCacheFolder(bundle);
  fs.mkdirSync(folder, { recursive: true });
  // Readable by whoever may run the bundle, like the bundle itself.
  writeCache(folder, cacheFileName(bundle, variant, fs.statSync(bundle)), compileBundle(bundle).createCachedData(), 0o644);
}

/**
 * Loads `bundle` as the module it is (its own `require`, `module`, `__filename`, `__dirname`),
 * compiled from the code cache when there is a valid one. `variant` names the V8 flags the caller
 * set (one cache each: processes under different flags would otherwise replace each other's).
 */
export function runBundle(bundle: string, variant: string, folder: string | undefined = cacheFolder()): BundleCompile {
  const nodeCache = nodeKeepsCompileCache();
  if (nodeCache || !folder) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is a file of the build, found at run time
    require(bundle);
    return nodeCache ? 'node-compile-cache' : 'without-cache';
  }
  const stat = fs.statSync(bundle);
  const name = cacheFileName(bundle, variant, stat);
  const ownCache = readCache(path.join(folder, name));
  const cachedData = ownCache ?? readCache(path.join(buildCacheFolder(bundle), name));
  const script = compileBundle(bundle, cachedData);
  const fromCache = cachedData !== undefined && script.cachedDataRejected !== true;
  // Written as the process exits, with every function the run compiled (as Node writes its own).
  if (!(fromCache && ownCache)) process.once('exit', () => writeCache(folder, name, script.createCachedData()));
  const mod = new nodeModule(bundle, module);
  mod.filename = bundle;
  mod.paths = (nodeModule as unknown as ModuleInternals)._nodeModulePaths(path.dirname(bundle));
  require.cache[bundle] = mod;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, nodeModule.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  if (!fromCache) return 'from-source';
  return ownCache ? 'from-cache' : 'from-build-cache';
}
