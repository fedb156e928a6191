/**
 * A route handler's `res`, typed by the contract: `res.json(body)` only
 * accepts the body the web app expects for that route, so a handler and the
 * web app cannot drift apart without the type check saying so.
 *
 *   router.get('/session', (req, res: ApiRes<'GET /api/v1/auth/session'>) => …)
 */
import type { ApiResponse, ApiRoute } from '@medianest/contracts';
import type { Response } from 'express';

export type ApiRes<R extends ApiRoute> = Response<ApiResponse<R>>;

/**
 * For a member's own data the web app reads again and again (their watchlist, Discover's rows): kept by
 * their browser only, never by a shared cache, and checked on every use against the weak ETag Express
 * puts on each JSON answer — unchanged, the answer is a 304 without a body.
 */
export function revalidatePrivately(res: Response): void {
  res.set('Cache-Control', 'private, no-cache');
}
