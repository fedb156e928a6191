/**
 * A JSON body parser for routes that need their own limit or content types
 * (the API router's is 100 kB, application/json only): browser beacons
 * arrive as text/plain, Alertmanager groups can exceed 100 kB. Failures are
 * AppErrors naming this route's limit: 415 for another content type, 413
 * above the limit, 400 for invalid JSON.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors';

export function jsonBody(options: { limitBytes: number; types: string[] }): RequestHandler {
  const parser = express.json({ limit: options.limitBytes, type: options.types, strict: true });
  const limitText = options.limitBytes >= 1024 * 1024 ? `${options.limitBytes / (1024 * 1024)} MB` : `${options.limitBytes / 1024} kB`;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is(options.types)) {
      return next(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the request body as ${options.types.join(' or ')}`));
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.limitBytes) {
      return next(new AppError(413, 'PAYLOAD_TOO_LARGE', `Request body is too large (limit ${limitText})`));
    }
    parser(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return next();
      const type = (err as { type?: string }).type;
      if (type === 'entity.too.large')
        return next(new AppError(413, 'PAYLOAD_TOO_LARGE', `Request body is too large (limit ${limitText})`));
      next(err);
    });
  };
}
