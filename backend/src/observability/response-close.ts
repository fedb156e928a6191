/**
 * What the instrumentation does when a response closes (the SERVER span's end, the HTTP metrics,
 * the access line), run from one 'close' listener per response rather than one each: every
 * listener is an allocation, a wrapper (`once`) and a call through the emitter on every request.
 * The callbacks run in the order they were added — the span first, so the tail sampler has
 * decided the trace before the metrics look for an exemplar. 'close' follows 'finish' for every
 * answered response and comes alone for an aborted one.
 */
import type { ServerResponse } from 'node:http';

const CALLBACKS = Symbol('medianest.onResponseClose');

type ClosingResponse = ServerResponse & { [CALLBACKS]?: (() => void)[] };

export function onResponseClose(res: ServerResponse, callback: () => void): void {
  const response = res as ClosingResponse;
  const callbacks = response[CALLBACKS];
  if (callbacks) {
    callbacks.push(callback);
    return;
  }
  const first = [callback];
  response[CALLBACKS] = first;
  res.once('close', () => {
    for (const run of first) run();
  });
}
