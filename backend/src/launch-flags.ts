import v8 from 'node:v8';

/**
 * Node.js flags on every command that starts the server or the worker (`npm start`, the
 * image's CMD, the Kubernetes manifests, the benchmark); `launch-flags.test.ts` keeps them
 * in step. `--max-semi-space-size=8`: a young generation of 3 × 8 MB instead of V8's 3 × 16 MB;
 * with the heap growth set in runtime-settings.ts it keeps the resident memory after a burst
 * of requests near 200 MB instead of 280–350 MB. 4 MB saved a little more memory but cost
 * 15–20 % more CPU per request in collections (docs/performance.md). `--initial-old-space-size=64`:
 * the old generation's first limit; V8's own is so low that a start ran two or three full
 * collections (~30 ms each) on the way to a ~25 MB heap. After the first full collection the limit
 * follows what survived (runtime-settings.ts), so the memory after load is the same. V8 reads both
 * only when the process starts, so they cannot be set from inside.
 */
export const NODE_LAUNCH_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--initial-old-space-size=64'];

/**
 * V8 flags of the embedded database, in force before its WebAssembly is compiled (read at
 * compile time): `--liftoff-only` compiles PostgreSQL's WebAssembly with V8's baseline compiler
 * only (db/embedded.ts says why). Set at run time, not on the command line: launch.ts sets them
 * before the bundle is compiled when the embedded database is used, db/embedded.ts again where
 * the database opens (tests and tools that do not start from launch.ts).
 */
export const EMBEDDED_V8_FLAGS: readonly string[] = ['--liftoff-only'];

/** Puts EMBEDDED_V8_FLAGS in force in this process. */
export function setEmbeddedV8Flags(): void {
  for (const flag of EMBEDDED_V8_FLAGS) v8.setFlagsFromString(flag);
}
