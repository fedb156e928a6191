/**
 * The embedded database (PGlite: PostgreSQL compiled to WebAssembly, in this
 * process) with a footprint chosen on purpose.
 *
 * Memory. A WebAssembly memory only grows; pages PostgreSQL touched once stay
 * resident for the life of the process. So:
 * - `shared_buffers` is 8 MB instead of PostgreSQL's 128 MB. A household's
 *   database is a few megabytes, so it still fits in the buffers whole; every
 *   megabyte of buffers is a megabyte of resident memory from the start
 *   (Emscripten's `mmap` zeroes the whole shared memory when PostgreSQL
 *   creates it: 16 MB of buffers measured 8 MB more resident at idle than 8 MB,
 *   and twice the time in that `memset` at every start).
 * - `maintenance_work_mem` is 16 MB (default 64 MB): VACUUM and index builds
 *   on tables this small never need more.
 * - The module's initial memory stays at its minimum, 128 MiB of address space
 *   (the WebAssembly module declares that as its floor; only touched pages
 *   count as resident memory); it grows on demand up to PGlite's 2 GiB cap.
 * - The WebAssembly code is compiled once by V8's baseline compiler (Liftoff)
 *   and not recompiled by the optimising one (`--liftoff-only`): the optimised
 *   copies of hot PostgreSQL functions and the compiler's working memory cost
 *   ~45 MB resident for ~10 % less CPU per query — not a trade a small server
 *   wants. Only WebAssembly is affected; JavaScript is optimised as usual.
 * The settings are passed as server start parameters (`-c name=value`) on
 * every start, so they apply to a data folder created by any earlier version
 * and survive upgrades without rewriting postgresql.conf.
 *
 * First start. initdb in the WebAssembly build costs seconds and, run in this
 * process, leaves hundreds of megabytes behind (a second PostgreSQL instance
 * and initdb's own memory, never returned). Instead:
 * - `npm run build` initialises a template folder once (initdb + the
 *   migrations of that build; `build-embedded-template.ts`), and the first
 *   start copies it — a file copy, then a normal resume;
 * - without a matching template (running from source, or another PGlite
 *   version), initdb runs in a short-lived child process, whose memory goes
 *   back to the system when it exits.
 * PG_VERSION is copied last: a copy that was interrupted is redone at the next
 * start instead of being taken for a database.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// The ESM types, as Drizzle's PGlite driver sees them (the package ships separate CJS declarations).
import type { PGlite } from '@electric-sql/pglite' with { 'resolution-mode': 'import' };
import type * as PGliteModule from '@electric-sql/pglite' with { 'resolution-mode': 'import' };
import { CODE_DIR } from '../paths';
import { EMBEDDED_V8_FLAGS, setEmbeddedV8Flags } from '../launch-flags';

/** Server settings of the embedded database (see above for why each one). */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '8MB',
  maintenance_work_mem: '16MB',
};

/** Where `npm run build` puts the template (beside the compiled code). */
export const TEMPLATE_DIR = path.join(CODE_DIR, 'db', 'embedded-template');
/**
 * PGlite's CommonJS build, loaded at the first open. The same code as its ES module build, without
 * starting Node's ES module loader at every start (~50 ms on a 2-core VM), and loadable from the
 * bundle as it runs from the code cache (code-cache.ts: a script compiled from a cache cannot call
 * `import()` on Node 20). Typed as the ES build, which Drizzle's driver expects: the two builds ship
 * separate but identical declarations.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at the first open, not at start
const pglite = () => require('@electric-sql/pglite') as typeof PGliteModule;

/** Written into the template last; names the PGlite version whose initdb made it. */
export const TEMPLATE_MARKER = 'medianest-template.json';

export interface TemplateMarker {
  pgliteVersion: string;
  createdAt: string;
}

let cachedVersion: string | undefined;
/** The installed PGlite's version (a template from another version is not used). */
export function pgliteVersion(): string {
  if (cachedVersion) return cachedVersion;
  // The package's exports hide package.json; it sits one folder above the entry point (dist/).
  const entry = require.resolve('@electric-sql/pglite');
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  cachedVersion = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  return cachedVersion;
}

/** Start parameters: PGlite's defaults plus EMBEDDED_SETTINGS. */
export function embeddedStartParams(defaults: readonly string[]): string[] {
  return [...defaults, ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}

export function isInitialised(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'PG_VERSION'));
}

/** A template folder usable with the installed PGlite, or undefined. */
export function usableTemplate(templateDir = TEMPLATE_DIR): string | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(templateDir, TEMPLATE_MARKER), 'utf8')) as TemplateMarker;
    return marker.pgliteVersion === pgliteVersion() && isInitialised(templateDir) ? templateDir : undefined;
  } catch {
    return undefined;
  }
}

/** Copies an initialised data folder into `dir` (created if missing), PG_VERSION last. */
export function copyDataFolder(from: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const versionFile = path.join(from, 'PG_VERSION');
  fs.cpSync(from, dir, {
    recursive: true,
    force: true,
    filter: (source) => source !== versionFile && path.basename(source) !== TEMPLATE_MARKER,
  });
  fs.copyFileSync(versionFile, path.join(dir, 'PG_VERSION'));
}

/** The child process's program: initdb into argv[2], then exit (its memory goes with it). */
const INITDB_PROGRAM = `
const { PGlite } = require(process.argv[1]);
PGlite.create(process.argv[2], { startParams: JSON.parse(process.argv[3]) })
  .then((db) => db.close())
  .then(() => process.exit(0), (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

/** Runs initdb for `dir` in a short-lived child process. */
export async function initialiseInChildProcess(dir: string, startParams: string[]): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const child = spawn(
    process.execPath,
    [...EMBEDDED_V8_FLAGS, '-e', INITDB_PROGRAM, require.resolve('@electric-sql/pglite'), dir, JSON.stringify(startParams)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '' },
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4000) stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`Initialising the embedded database in ${dir} failed (exit ${code}): ${stderr.trim().slice(-1000)}`);
}

/**
 * Opens the embedded database in `dir`: resumes an existing one, else copies
 * the build's template, else initialises in a child process — then starts
 * PostgreSQL here with EMBEDDED_SETTINGS.
 */
export async function openEmbeddedClient(dir: string, options: { templateDir?: string } = {}): Promise<PGlite> {
  setEmbeddedV8Flags();
  const { PGlite } = pglite();
  const startParams = embeddedStartParams(PGlite.defaultStartParams);
  if (!isInitialised(dir)) {
    const template = usableTemplate(options.templateDir);
    if (template) copyDataFolder(template, dir);
    else await initialiseInChildProcess(dir, startParams);
  }
  return PGlite.create(dir, { startParams });
}

/**
 * Opens a new embedded database in `dir` (which must not hold one) from a backup: PGlite unpacks
 * the tar into the folder, then starts PostgreSQL on it with EMBEDDED_SETTINGS.
 */
export async function openEmbeddedFromBackup(dir: string, backup: Blob): Promise<PGlite> {
  setEmbeddedV8Flags();
  const { PGlite } = pglite();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return PGlite.create(dir, { startParams: embeddedStartParams(PGlite.defaultStartParams), loadDataDir: backup });
}

/** PGlite keeps `postmaster.pid` in the data folder while a process has the database open. */
export function embeddedDatabaseInUse(dataDir: string): string | undefined {
  const pidFile = path.join(dataDir, 'db', 'postmaster.pid');
  return fs.existsSync(pidFile) ? pidFile : undefined;
}
