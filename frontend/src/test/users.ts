/** A signed-in account for component tests: a member with a local password, changed by `over`. */
import type { User } from '../api/types';

export function testUser(over: Partial<User> = {}): User {
  return {
    id: 'u3',
    username: 'carol',
    email: 'carol@example.com',
    role: 'user',
    enabled: true,
    plexUsername: null,
    thumb: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastLoginAt: null,
    language: null,
    ...over,
  };
}
