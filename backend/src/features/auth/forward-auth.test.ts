/**
 * Trusted forward-auth: the proxy's Remote-User header signs people in, but only when the connection
 * comes from an address in TRUST_PROXY (here 127.0.0.2, the "proxy"); from 127.0.0.1 it is ignored.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { startTestServer, type TestServer } from '../../../test/context';
import { registrySum } from '../../../test/metrics-helpers';

const viaProxy = new Agent({ localAddress: '127.0.0.2' });

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    TRUST_PROXY: '127.0.0.2',
    FORWARD_AUTH_USER_HEADER: 'Remote-User',
    FORWARD_AUTH_EMAIL_HEADER: 'Remote-Email',
    FORWARD_AUTH_GROUPS_HEADER: 'Remote-Groups',
    SSO_ADMIN_GROUPS: 'admins',
    SSO_CREATE_MEMBERS: 'true',
  });
  await server.container.users.create({ username: 'alice', email: 'alice@example.com', role: 'user' });
});

afterAll(async () => {
  await server?.cleanup();
  await viaProxy.close();
});

async function session(headers: Record<string, string>, dispatcher?: Agent) {
  const res = await undiciFetch(`${server.baseUrl}/api/v1/auth/session`, { headers, dispatcher });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('medianest_session='));
  return {
    status: res.status,
    cookie: cookie?.split(';')[0],
    body: (await res.json()) as { user?: { id: string; username: string; role: string }; method?: string },
  };
}

describe('forward-auth', () => {
  it('signs in the member the trusted proxy names, with a session cookie for the rest of the app', async () => {
    const first = await session({ 'Remote-User': 'Alice', 'Remote-Groups': 'family' }, viaProxy);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ user: { username: 'alice', role: 'user' }, method: 'forward_auth' });
    expect(first.cookie).toBeDefined();
    // The next request with that cookie and the same header keeps the session (no new one).
    const again = await session({ 'Remote-User': 'alice', cookie: first.cookie! }, viaProxy);
    expect(again.body.user?.username).toBe('alice');
    expect(again.cookie).toBeUndefined();
  });

  it('creates a member for a new name and takes the role from the groups header', async () => {
    const res = await session(
      { 'Remote-User': 'grandpa', 'Remote-Email': 'grandpa@example.com', 'Remote-Groups': 'family|admins' },
      viaProxy,
    );
    expect(res.body).toMatchObject({ user: { username: 'grandpa', role: 'admin' }, method: 'forward_auth' });
  });

  it('lets the proxy switch people: a header naming someone else replaces the session', async () => {
    const alice = await session({ 'Remote-User': 'alice' }, viaProxy);
    const bob = await session({ 'Remote-User': 'bob', cookie: alice.cookie! }, viaProxy);
    expect(bob.body.user?.username).toBe('bob');
    // Alice's session ended with the switch.
    expect((await session({ cookie: alice.cookie! })).status).toBe(401);
  });

  it('ignores the header from any other address, and counts it', async () => {
    const before = await registrySum('medianest_auth_failures_total', { reason: 'forward_auth_untrusted' });
    const res = await session({ 'Remote-User': 'admin' });
    expect(res.status).toBe(401);
    expect(res.cookie).toBeUndefined();
    expect(await registrySum('medianest_auth_failures_total', { reason: 'forward_auth_untrusted' })).toBe(before + 1);
  });
});

describe('forward-auth settings', () => {
  it('needs TRUST_PROXY to name the proxy, not a hop count', () => {
    for (const trust of [undefined, '1', 'true']) {
      expect(() => loadConfig({ FORWARD_AUTH_USER_HEADER: 'Remote-User', ...(trust ? { TRUST_PROXY: trust } : {}) })).toThrow(ConfigError);
    }
    expect(loadConfig({ FORWARD_AUTH_USER_HEADER: 'Remote-User', TRUST_PROXY: 'loopback' }).FORWARD_AUTH_USER_HEADER).toBe('Remote-User');
  });
});
