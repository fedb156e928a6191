/**
 * undici (the connection pools of outgoing calls), loaded at the first call
 * that needs a pool rather than when the server starts: it is ~60 modules'
 * worth of code, and nothing before `/health/ready` calls out.
 */
type Undici = typeof import('undici');

let loaded: Undici | undefined;

export function undici(): Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
  loaded ??= require('undici') as Undici;
  return loaded;
}
