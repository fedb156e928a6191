/**
 * Node.js flags on every command that starts the server or the worker (`npm start`, the
 * image's CMD, the Kubernetes manifests, the benchmark); `launch-flags.test.ts` keeps them
 * in step. `--max-semi-space-size=4`: a young generation of 3 × 4 MB instead of V8's 3 × 16 MB;
 * with the heap growth set in runtime-settings.ts it keeps the resident memory after a burst
 * of requests under 200 MB (docs/performance.md). V8 reads it only when the process starts,
 * so it cannot be set from inside.
 */
export const NODE_LAUNCH_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
