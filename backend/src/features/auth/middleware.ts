/**
 * Reads the session cookie and attaches the signed-in user (`req.user`, which
 * the route guards of http/authed.ts check); the realtime layer's identities.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { currentRequestContext } from '../../observability/current-request';
import type { UsersRepository } from '../users/users.repository';
import type { User } from '../users/user';
import { hashToken, SESSION_COOKIE, type SessionStore } from './sessions';

declare module 'express-serve-static-core' {
  interface Request {
    sessionToken?: string;
    /** How the current session was started (null for sessions from before this was recorded). */
    sessionMethod?: string | null;
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Resolves the user behind a session token, or undefined. Shared by HTTP and Socket.IO. */
export async function userForToken(token: string | undefined, sessions: SessionStore, users: UsersRepository): Promise<User | undefined> {
  return (await signedIn(token, sessions, users))?.user;
}

async function signedIn(
  token: string | undefined,
  sessions: SessionStore,
  users: UsersRepository,
): Promise<{ user: User; method: string | null } | undefined> {
  if (!token || token.length > 200) return undefined;
  const ticket = await sessions.sync(); // one check of the invalidation generation serves both lookups
  const session = await sessions.resolve(token, ticket);
  if (!session) return undefined;
  const user = await users.findById(session.userId, ticket);
  return user?.enabled ? { user, method: session.method } : undefined;
}

export function authenticate(sessions: SessionStore, users: UsersRepository): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token) return next();
    signedIn(token, sessions, users).then((found) => {
      if (found) {
        const { user } = found;
        req.user = user;
        req.sessionToken = token;
        req.sessionMethod = found.method;
        const ctx = currentRequestContext();
        if (ctx) ctx.userId = user.id;
      }
      next();
    }, next);
  };
}

/** The realtime layer's "who is this stored session now": its enabled user, or undefined once it ended or the user was disabled. */
export function storedSessionIdentity(sessions: SessionStore, users: UsersRepository) {
  return async (sessionId: string) => {
    const ticket = await sessions.sync();
    const session = await sessions.resolveStored(sessionId, ticket);
    const user = session && (await users.findById(session.userId, ticket));
    if (!session || !user?.enabled) return undefined;
    return { user: { id: user.id, role: user.role }, sessionId };
  };
}

/** The realtime layer's "who is this cookie": a signed-in, enabled user and the stored id of their session. */
export function cookieIdentity(sessions: SessionStore, users: UsersRepository) {
  return async (cookieHeader: string | undefined) => {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    const user = await userForToken(token, sessions, users);
    if (!user || !token) return undefined;
    return { user: { id: user.id, role: user.role }, sessionId: hashToken(token) };
  };
}
