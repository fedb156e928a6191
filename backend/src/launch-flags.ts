/**
 * Node.js flags on every command that starts the server or the worker (`npm start`, the
 * image's CMD, the Kubernetes manifests, the benchmark); `launch-flags.test.ts` keeps them
 * in step. `--max-semi-space-size=8`: a young generation of 3 × 8 MB instead of V8's 3 × 16 MB;
 * with the heap growth set in runtime-settings.ts it keeps the resident memory after a burst
 * of requests near 200 MB instead of 280–350 MB. 4 MB saved a little more memory but cost
 * 15–20 % more CPU per request in collections (docs/performance.md). V8 reads it only when the process starts,
 * so it cannot be set from inside.
 */
export const NODE_LAUNCH_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
