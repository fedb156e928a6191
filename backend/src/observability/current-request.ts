/**
 * Per-request context carried through async calls, so every log line written
 * while handling a request carries its request id and user id.
 *
 * One async context per process: with tracing on, the request context rides in
 * OpenTelemetry's context (itself an AsyncLocalStorage) next to the active
 * span; without it, in an AsyncLocalStorage of its own. Every enabled
 * AsyncLocalStorage is copied into every promise and callback the process
 * creates, so a second one would cost on each of the many promises of a
 * database query.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, createContextKey } from '@opentelemetry/api';
import { tracingEnabled } from './tracing/trace';

export interface RequestContext {
  requestId: string;
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const REQUEST_CONTEXT = createContextKey('medianest.request-context');

/** Runs `fn` (and everything it starts) with `ctx` as the current request context. */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  if (tracingEnabled()) return context.with(context.active().setValue(REQUEST_CONTEXT, ctx), fn);
  return storage.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  if (tracingEnabled()) return context.active().getValue(REQUEST_CONTEXT) as RequestContext | undefined;
  return storage.getStore();
}
