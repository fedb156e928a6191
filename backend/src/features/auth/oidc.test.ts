/**
 * OpenID Connect sign-in against a real provider (oidc-provider on loopback): discovery, PKCE, signed
 * ID tokens and their validation, key rotation, account linking, groups and roles, RP-initiated logout.
 * The browser's part (following redirects, keeping each site's cookies) is played by `signIn` below.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, ConfigError } from '../../config';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../../../test/context';
import { freePort } from '../../../test/free-port';
import { startTestIdp, type TestIdp } from '../../../test/fakes/oidc-idp';
import { registrySum as metricValue } from '../../../test/metrics-helpers';
import { SESSION_COOKIE } from './sessions';

type Jar = Map<string, string>;

function remember(jar: Jar, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** GET with this site's cookies, no redirect following. */
async function visit(jar: Jar, url: string): Promise<Response> {
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(jar), accept: 'text/html' } });
  remember(jar, res);
  return res;
}

interface Browser {
  medianest: Jar;
  idp: Jar;
}

const newBrowser = (): Browser => ({ medianest: new Map(), idp: new Map() });

/**
 * Clicks "Sign in with SSO" and follows the redirects like a browser: MediaNest → the provider (which
 * signs `account` in) → MediaNest's callback. Returns the callback's answer (and the callback URL).
 */
async function signIn(server: TestServer, idp: TestIdp, account: string, browser = newBrowser(), returnTo = '/requests') {
  idp.nextLogin = account;
  const start = await visit(browser.medianest, `${server.baseUrl}/api/v1/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  let location = start.headers.get('location')!;
  expect(location.startsWith(idp.issuer)).toBe(true);
  for (let hop = 0; hop < 10 && location.startsWith(idp.issuer); hop++) {
    const res = await visit(browser.idp, location);
    expect([302, 303]).toContain(res.status);
    location = new URL(res.headers.get('location')!, idp.issuer).href;
  }
  expect(location.startsWith(`${server.baseUrl}/api/v1/auth/oidc/callback`)).toBe(true);
  const callback = await visit(browser.medianest, location);
  return { callback, callbackUrl: location, browser };
}

async function session(server: TestServer, jar: Jar) {
  const res = await fetch(`${server.baseUrl}/api/v1/auth/session`, { headers: { cookie: cookieHeader(jar) } });
  return {
    status: res.status,
    body: (await res.json()) as { user?: { username: string; role: string; email: string | null }; method?: string },
  };
}

async function adminCookie(server: TestServer): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

async function startPair(env: Record<string, string> = {}, idpOptions: { claimsInIdToken?: boolean } = {}) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const idp = await startTestIdp({
    redirectUri: `${publicUrl}/api/v1/auth/oidc/callback`,
    postLogoutRedirectUri: `${publicUrl}/login`,
    ...idpOptions,
  });
  const server = await startTestServer({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    OIDC_ISSUER_URL: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_SCOPES: 'openid profile email groups',
    OIDC_BUTTON_LABEL: 'Sign in with Authentik',
    ...env,
  });
  return { idp, server };
}

describe('OpenID Connect sign-in', () => {
  let idp: TestIdp;
  let server: TestServer;

  beforeAll(async () => {
    ({ idp, server } = await startPair({ SSO_ALLOWED_GROUPS: 'family,admins', SSO_ADMIN_GROUPS: 'admins' }));
    await server.container.users.create({ username: 'alice', email: 'Alice@Example.com', role: 'user' });
    await server.container.users.create({ username: 'bob', email: 'bob@example.com', role: 'user' });
    idp.accounts.set('alice', {
      sub: 'sub-alice',
      email: 'alice@example.com',
      email_verified: true,
      preferred_username: 'alice',
      groups: ['family'],
    });
    idp.accounts.set('bob', { sub: 'sub-bob', email: 'bob@example.com', preferred_username: 'bob', groups: ['family'] });
    idp.accounts.set('carol', { sub: 'sub-carol', email: 'carol@example.com', email_verified: true, groups: ['admins'] });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await server?.cleanup();
    await idp?.close();
  });

  it('offers the provider on the sign-in page', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/auth/methods`);
    expect(await res.json()).toEqual({
      password: true,
      plex: true,
      oidc: { label: 'Sign in with Authentik', startUrl: '/api/v1/auth/oidc/start' },
    });
  });

  it('signs a member in by verified e-mail, with PKCE, and returns to where they were', async () => {
    const before = await metricValue('medianest_logins_total', { method: 'oidc', result: 'success' });
    const { callback, browser } = await signIn(server, idp, 'alice');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/requests');
    expect(browser.medianest.has(SESSION_COOKIE)).toBe(true);
    const who = await session(server, browser.medianest);
    expect(who.body).toMatchObject({ user: { username: 'alice', role: 'user' }, method: 'oidc' });
    expect(await metricValue('medianest_logins_total', { method: 'oidc', result: 'success' })).toBe(before + 1);

    // The authorization request carried a PKCE S256 challenge, a state and a nonce.
    const start = await fetch(`${server.baseUrl}/api/v1/auth/oidc/start`, { redirect: 'manual' });
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.baseUrl}/api/v1/auth/oidc/callback`);

    // The identity is linked: the admin sees it, and a later sign-in finds the member by it even with another e-mail.
    const admin = await adminCookie(server);
    const alice = (await server.container.users.findByUsername('alice'))!;
    const listed = await fetch(`${server.baseUrl}/api/v1/admin/users/${alice.id}/identities`, { headers: { cookie: admin } });
    const { identities } = (await listed.json()) as { identities: Array<{ issuer: string; subject: string }> };
    expect(identities).toEqual([expect.objectContaining({ issuer: idp.issuer, subject: 'sub-alice' })]);
    idp.accounts.set('alice', { ...idp.accounts.get('alice')!, email: 'alice@new.example', email_verified: false });
    const again = await signIn(server, idp, 'alice');
    expect((await session(server, again.browser.medianest)).body.user?.username).toBe('alice');
  });

  it('does not match a member by an e-mail the provider has not verified', async () => {
    const { callback, browser } = await signIn(server, idp, 'bob');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/login?sso_error=sso_no_account');
    expect(browser.medianest.has(SESSION_COOKIE)).toBe(false);
  });

  it('makes members of the admin group administrators and shuts out people removed from the allowed groups', async () => {
    await server.container.users.create({ username: 'carol', email: 'carol@example.com', role: 'user' });
    const first = await signIn(server, idp, 'carol');
    expect((await session(server, first.browser.medianest)).body.user?.role).toBe('admin');

    idp.accounts.set('carol', { ...idp.accounts.get('carol')!, groups: ['friends'] });
    const refused = await signIn(server, idp, 'carol');
    expect(refused.callback.headers.get('location')).toBe('/login?sso_error=sso_not_allowed');
    // …and the session she already had ended with it.
    expect((await session(server, first.browser.medianest)).status).toBe(401);
  });

  it('refuses a replayed callback and one from another browser, before asking the provider', async () => {
    const { callbackUrl, browser } = await signIn(server, idp, 'alice');
    const tokenRequests = idp.tokenRequests;
    // The same callback again, in the same browser with its old state cookie put back.
    const replay = await fetch(callbackUrl, {
      redirect: 'manual',
      headers: { accept: 'text/html', cookie: `medianest_oidc_state=${new URL(callbackUrl).searchParams.get('state')}` },
    });
    expect(replay.headers.get('location')).toBe('/login?sso_error=state_unknown');
    // Another browser (no state cookie) following a stolen callback link.
    const foreign = await fetch(callbackUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(foreign.headers.get('location')).toBe('/login?sso_error=state_mismatch');
    // An API client gets the JSON error.
    const api = await fetch(callbackUrl, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    expect(idp.tokenRequests).toBe(tokenRequests);
    expect(browser.medianest.has(SESSION_COOKIE)).toBe(true);
  });

  it('refuses ID tokens for another audience, expired ones, and counts them', async () => {
    const before = await metricValue('medianest_auth_failures_total', { reason: 'sso_invalid' });
    idp.tamperIdToken = (claims) => ({ ...claims, aud: 'some-other-app' });
    const wrongAudience = await signIn(server, idp, 'alice');
    expect(wrongAudience.callback.headers.get('location')).toMatch(/^\/login\?sso_error=/);
    expect(wrongAudience.browser.medianest.has(SESSION_COOKIE)).toBe(false);

    const now = Math.floor(Date.now() / 1000);
    idp.tamperIdToken = (claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 });
    const expired = await signIn(server, idp, 'alice');
    expect(expired.callback.headers.get('location')).toMatch(/^\/login\?sso_error=/);
    expect(expired.browser.medianest.has(SESSION_COOKIE)).toBe(false);
    expect(await metricValue('medianest_auth_failures_total', { reason: 'sso_invalid' })).toBe(before + 2);
  });

  it('follows a key rotation at the provider', async () => {
    await signIn(server, idp, 'alice'); // the provider's keys are cached now
    await idp.rotateKeys();
    // A JWKS is fetched again for an unknown key once the cached copy is a minute old.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    const { callback, browser } = await signIn(server, idp, 'alice');
    expect(callback.headers.get('location')).toBe('/requests');
    expect((await session(server, browser.medianest)).body.user?.username).toBe('alice');
  });

  it('signs out at the provider too (RP-initiated logout)', async () => {
    const { browser } = await signIn(server, idp, 'alice');
    const res = await fetch(`${server.baseUrl}/api/v1/auth/oidc/logout`, {
      method: 'POST',
      headers: { cookie: cookieHeader(browser.medianest), 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(res.status).toBe(200);
    const { endSessionUrl } = (await res.json()) as { endSessionUrl: string };
    const url = new URL(endSessionUrl);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('client_id')).toBe(idp.clientId);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${server.baseUrl}/login`);
    expect((await session(server, browser.medianest)).status).toBe(401);
  });
});

describe('OpenID Connect: new members, SSO only, claims from userinfo', () => {
  let idp: TestIdp;
  let server: TestServer;

  beforeAll(async () => {
    ({ idp, server } = await startPair({ SSO_CREATE_MEMBERS: 'true', SSO_ONLY: 'true' }, { claimsInIdToken: false }));
    idp.accounts.set('dave', { sub: 'sub-dave', email: 'dave@example.com', email_verified: true, preferred_username: 'Dave' });
    await server.container.users.create({ username: 'erin', email: 'erin@example.com', role: 'user', passwordHash: null });
  });

  afterAll(async () => {
    await server?.cleanup();
    await idp?.close();
  });

  it('creates a member for a first sign-in, with the e-mail read from userinfo', async () => {
    const { callback, browser } = await signIn(server, idp, 'dave', undefined, '//evil.example/');
    expect(callback.headers.get('location')).toBe('/');
    const who = await session(server, browser.medianest);
    expect(who.body).toMatchObject({ user: { username: 'Dave', email: 'dave@example.com', role: 'user' }, method: 'oidc' });
  });

  it('hides password and Plex sign-in, keeping the password for administrators', async () => {
    expect(await (await fetch(`${server.baseUrl}/api/v1/auth/methods`)).json()).toMatchObject({ password: false, plex: false });
    const pin = await fetch(`${server.baseUrl}/api/v1/auth/plex/pin`, {
      method: 'POST',
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(pin.status).toBe(404);
    expect(await adminCookie(server)).toMatch(/^medianest_session=/);
  });
});

describe('OpenID Connect settings', () => {
  const base = { OIDC_ISSUER_URL: 'https://auth.example.com/application/o/medianest/', OIDC_CLIENT_ID: 'medianest' };

  it('names what is missing in one line', () => {
    expect(() => loadConfig({ ...base })).toThrow(
      new ConfigError(
        'Invalid configuration: PUBLIC_URL is required with OIDC_ISSUER_URL (the redirect URI is PUBLIC_URL/api/v1/auth/oidc/callback)',
      ),
    );
    expect(() => loadConfig({ OIDC_ISSUER_URL: base.OIDC_ISSUER_URL, PUBLIC_URL: 'https://media.example.com' })).toThrow(
      /OIDC_CLIENT_ID is required/,
    );
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'https://media.example.com', OIDC_SCOPES: 'profile email' })).toThrow(
      /OIDC_SCOPES must include openid/,
    );
    expect(() => loadConfig({ SSO_ONLY: 'true' })).toThrow(/SSO_ONLY needs/);
    // The issuer is kept exactly, trailing slash included (it must equal the provider's `iss`).
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://media.example.com' }).OIDC_ISSUER_URL).toBe(base.OIDC_ISSUER_URL);
  });
});
