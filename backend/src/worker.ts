/**
 * Worker entry (`node dist/worker.js`): runs only the background job
 * processors, so they scale apart from the web replicas (which then run with
 * JOBS_MODE=web). tracing → config → logger → processors; SIGTERM/SIGINT →
 * running jobs finish within the budget, connections close, telemetry flushes.
 */
// Before anything else is loaded: the runtime's own settings (compile cache, heap growth).
import './runtime-settings';
// First import after that, on purpose: instrumentations must be in place before ioredis, pg and undici load.
import './tracing';
import { runWorker } from './worker-process';
import { exitOnStartupFailure, loadConfigOrExit } from './process-lifecycle';

runWorker(loadConfigOrExit('medianest-worker')).catch(exitOnStartupFailure('medianest-worker'));
