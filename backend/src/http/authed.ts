/**
 * Route guards that hand the handler its signed-in user, typed:
 *
 *   router.get('/mine', authed(async (req, res: ApiRes<'GET /api/v1/…'>, user) => …))
 *   router.post('/channels', adminOnly(async (req, res, admin) => …))
 *
 * `authed` answers 401 without a signed-in user, `adminOnly` also 403 for a
 * member; the handler never reads `req.user` itself. Guards sit on the route
 * (not the router), so the route template is known to metrics and logs even
 * on a 401 or 403. Who a request is signed in as is resolved before the
 * routers run (features/auth: `authenticate`, forward auth).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';

/**
 * The user a request is signed in as. http/ reads only the id and the role;
 * the users feature merges in the rest of its `User` (features/users/user.ts),
 * so handlers get the whole user without http/ importing a feature.
 */
export interface SignedInUser {
  id: string;
  role: 'user' | 'admin';
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: SignedInUser;
  }
}

type Handler<Res extends Response> = (req: Request, res: Res, user: SignedInUser) => void | Promise<void>;

function guarded<Res extends Response>(forbidden: (user: SignedInUser) => AppError | undefined, handler: Handler<Res>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = req.user;
    if (!user) return next(AppError.unauthenticated());
    const refusal = forbidden(user);
    if (refusal) return next(refusal);
    return handler(req, res as Res, user);
  };
}

/** A route for any signed-in member (401 otherwise). */
export function authed<Res extends Response = Response>(handler: Handler<Res>): RequestHandler {
  return guarded(() => undefined, handler);
}

/** A route for administrators: 401 without a user, 403 for a member. */
export function adminOnly<Res extends Response = Response>(handler: Handler<Res>): RequestHandler {
  return guarded((user) => (user.role === 'admin' ? undefined : AppError.forbidden('Only administrators can do this')), handler);
}
