/**
 * V8's code cache for CommonJS modules where Node has no compile cache of its
 * own (Node 20; compile-cache.ts decides). Every module Node would compile is
 * compiled as a `vm.Script` with the bytecode a previous start left
 * (`cachedData`); V8 checks the bytecode against its version and flags and
 * compiles afresh when it does not fit. A module compiled afresh has its
 * bytecode taken right after its body ran (so it includes the functions the
 * body called, and matches the V8 flags in force when it was compiled), and
 * the new entries are written a moment after loading settles (and at exit).
 *
 * Stored as one blob and one index in the cache folder; an entry is used only
 * for the exact source text it was made from (a SHA-1 of the text, so an
 * upgraded module is never run from stale bytecode). Modules that use
 * `import()` are left to Node (a vm.Script has no module loader of its own),
 * and so is a file that does not compile as a CommonJS script (Node may load
 * it as an ES module).
 * The loaded blob is released once written, so the cache costs no memory
 * after start-up.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}
interface ModuleInternals {
  prototype: { _compile(this: CjsModule, content: string, filename: string): unknown };
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
  wrap(content: string): string;
}
const Internals = Module as unknown as ModuleInternals;

/** Entries: file → [sha1 of its text, offset, length] in the blob. */
type Index = Record<string, [string, number, number]>;

const SAVE_AFTER_MS = 2_000;

export interface CodeCacheStats {
  /** Modules run from cached bytecode / compiled afresh (and cached) in this process. */
  hits: number;
  misses: number;
}

class CodeCacheStore {
  private index: Index = {};
  private blob: Buffer | undefined;
  private fresh = new Map<string, [string, Buffer]>();
  private timer: NodeJS.Timeout | undefined;
  readonly stats: CodeCacheStats = { hits: 0, misses: 0 };
  private readonly indexFile: string;
  private readonly blobFile: string;

  constructor(private readonly dir: string) {
    const key = `${process.version}-${process.arch}`;
    this.indexFile = path.join(dir, `${key}.json`);
    this.blobFile = path.join(dir, `${key}.blob`);
    [this.index, this.blob] = this.read();
  }

  private read(): [Index, Buffer | undefined] {
    try {
      return [JSON.parse(fs.readFileSync(this.indexFile, 'utf8')) as Index, fs.readFileSync(this.blobFile)];
    } catch {
      return [{}, undefined];
    }
  }

  get(filename: string, hash: string): Buffer | undefined {
    const entry = this.index[filename];
    if (!this.blob || !entry || entry[0] !== hash) return undefined;
    return this.blob.subarray(entry[1], entry[1] + entry[2]);
  }

  set(filename: string, hash: string, data: Buffer): void {
    this.fresh.set(filename, [hash, data]);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SAVE_AFTER_MS);
    this.timer.unref();
  }

  /** Writes the new entries next to the stored ones (read again: the loaded blob may be released). */
  save(): void {
    clearTimeout(this.timer);
    if (this.fresh.size > 0) {
      const [index, blob] = this.blob ? [this.index, this.blob] : this.read();
      const parts: Buffer[] = [];
      const next: Index = {};
      let offset = 0;
      const add = (filename: string, hash: string, data: Buffer) => {
        next[filename] = [hash, offset, data.length];
        parts.push(data);
        offset += data.length;
      };
      for (const [filename, [hash, start, length]] of Object.entries(index)) {
        if (blob && !this.fresh.has(filename) && start + length <= blob.length) add(filename, hash, blob.subarray(start, start + length));
      }
      for (const [filename, [hash, data]] of this.fresh) add(filename, hash, data);
      try {
        fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        const suffix = `.${process.pid}.tmp`;
        fs.writeFileSync(this.blobFile + suffix, Buffer.concat(parts), { mode: 0o600 });
        fs.writeFileSync(this.indexFile + suffix, JSON.stringify(next), { mode: 0o600 });
        fs.renameSync(this.blobFile + suffix, this.blobFile);
        fs.renameSync(this.indexFile + suffix, this.indexFile);
      } catch {
        // An unwritable folder: the next start compiles as usual.
      }
    }
    this.fresh.clear();
    this.index = {};
    this.blob = undefined;
  }
}

function requireFor(mod: CjsModule): NodeJS.Require {
  const local = ((id: string) => mod.require(id)) as NodeJS.Require;
  local.resolve = ((request: string, options?: unknown) =>
    Internals._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  local.main = require.main;
  local.extensions = Internals._extensions as NodeJS.Require['extensions'];
  local.cache = Internals._cache as NodeJS.Require['cache'];
  return local;
}

let installed: CodeCacheStore | undefined;

/** @public What the code cache did in this process (undefined when it is not installed; code-cache.test.ts reads it from the build). */
export function codeCacheStats(): CodeCacheStats | undefined {
  return installed?.stats;
}

/** Compiles every CommonJS module loaded from now on through the code cache in `dir`. */
export function installCodeCache(dir: string): void {
  if (installed) return;
  const store = (installed = new CodeCacheStore(dir));
  // eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(module, …) below
  const original = Internals.prototype._compile;
  Internals.prototype._compile = function compileCached(this: CjsModule, content: string, filename: string): unknown {
    if (content.includes('import(')) return original.call(this, content, filename);
    const hash = crypto.createHash('sha1').update(content).digest('base64');
    const cachedData = store.get(filename, hash);
    let script: vm.Script;
    try {
      script = new vm.Script(Internals.wrap(content), { filename, cachedData });
    } catch {
      // Not a CommonJS script (ES module syntax Node detects and loads as such): Node's own way.
      return original.call(this, content, filename);
    }
    const run = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const result = run.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
    if (cachedData && !script.cachedDataRejected) store.stats.hits++;
    else {
      store.stats.misses++;
      store.set(filename, hash, script.createCachedData());
    }
    return result;
  };
  process.once('exit', () => store.save());
}
