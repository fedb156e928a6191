/**
 * Cross-site request forgery guard for the API: a state-changing request
 * (POST, PUT, PATCH, DELETE) must either declare a JSON body or carry the
 * `X-Requested-With` header, even when it has no body. A form on another page
 * (another app on the same LAN host is "same site", so SameSite=Lax cookies
 * travel with it) can send neither: HTML forms only send urlencoded, multipart
 * or text/plain bodies, and a custom header or a JSON content type from a
 * script on another origin needs a CORS preflight this server never grants.
 * The web app's fetch wrapper sends the header on every call; Overseerr and
 * Alertmanager post JSON.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';

export const API_CLIENT_HEADER = 'X-Requested-With';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function declaresJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

export function requireApiClient(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) return next();
  if (declaresJson(req.headers['content-type']) || (req.get(API_CLIENT_HEADER) ?? '').trim() !== '') return next();
  next(
    new AppError(
      403,
      'FORBIDDEN',
      `${req.method} requests to the API need a JSON body (Content-Type: application/json) or an ${API_CLIENT_HEADER} header`,
    ),
  );
}
