/** Signing in from tests the way a browser does: POST the form, keep the cookie. */
import type { Express } from 'express';
import request from 'supertest';
import { hashPassword } from '../src/features/auth/passwords';
import type { Container } from '../src/container';
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

/** Signs in against a listening MediaNest over real HTTP; returns the session cookie pair. */
export async function loginOverHttp(baseUrl: string, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('medianest_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie.split(';')[0]!;
}
