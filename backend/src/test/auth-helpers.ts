/** Signing in from tests the way a browser does: POST the form, keep the cookie. */
import type { Express } from 'express';
import request from 'supertest';
import { hashPassword } from '../features/auth/passwords';
import type { Container } from '../container';
import { ADMIN_PASSWORD } from './context';

export async function loginCookie(app: Express, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await request(app).post('/api/v1/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0];
  if (!cookie) throw new Error('login set no cookie');
  return cookie.split(';')[0]!;
}

/** Creates a local user and returns its session cookie. */
export async function createUser(
  app: Express,
  container: Container,
  username: string,
  options: { role?: 'admin' | 'user'; password?: string; email?: string; plexId?: string } = {},
): Promise<{ id: string; cookie: string }> {
  const password = options.password ?? `${username}-password`;
  const user = await container.users.create({
    username,
    role: options.role ?? 'user',
    passwordHash: await hashPassword(password),
    email: options.email ?? `${username}@example.com`,
    plexId: options.plexId ?? null,
  });
  return { id: user.id, cookie: await loginCookie(app, username, password) };
}
