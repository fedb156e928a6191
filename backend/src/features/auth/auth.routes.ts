/** /api/v1/auth: local login, logout, current session. */
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { parse } from '../../http/validate';
import { toPublicUser } from '../users/users.repository';
import type { AuthService } from './auth.service';

const loginBody = z.object({
  username: z.string().trim().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(256),
});

export function authRouter(auth: AuthService): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parse(loginBody, req.body);
    const user = await auth.loginLocal(body.username, body.password, req.ip ?? 'unknown');
    await auth.startSession(user, 'local', req, res);
    res.json({ user: toPublicUser(user) });
  });

  router.post('/logout', async (req, res) => {
    await auth.logout(req, res);
    res.status(204).end();
  });

  router.get('/session', (req, res) => {
    if (!req.user) throw AppError.unauthenticated();
    res.json({ user: toPublicUser(req.user) });
  });

  return router;
}
