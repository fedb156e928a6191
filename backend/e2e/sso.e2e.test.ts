/**
 * One full OpenID Connect sign-in in a real browser (issue 24): Debian's Chromium, headless through
 * playwright-core, against a MediaNest that serves the built web app and a real provider on loopback
 * (oidc-provider, test/fakes/oidc-idp.ts). A member opens a page, is sent to /login, clicks the SSO
 * button, signs in at the provider and lands back on that page signed in; signing out ends the
 * provider's session too (the browser is sent to its end-session page). The sign-in page is saved as
 * screenshots at desktop and phone widths in artifacts/screenshots/ (gitignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/context';
import { startTestIdp, type TestIdp } from '../test/fakes/oidc-idp';
import { freePort } from '../test/free-port';
import { ensureFrontendBuilt, REPO_ROOT } from './frontend-build';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-sync',
];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = path.join(REPO_ROOT, 'artifacts/screenshots');
const LABEL = 'Sign in with Authentik';

let idp: TestIdp;
let server: TestServer;
let browser: Browser;
const pageErrors: string[] = [];

/** Every request stays on 127.0.0.1 (MediaNest and the provider); anything else fails. */
async function newContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, baseURL: server.baseUrl });
  await context.route('**/*', (route: Route) =>
    new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('addressunreachable'),
  );
  context.on('page', (p) => p.on('pageerror', (err) => pageErrors.push(`${p.url()}: ${err.message}`)));
  return context;
}

async function shot(page: Page, name: string, width: 'desktop' | 'phone'): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}

describe('single sign-on in Chromium', () => {
  beforeAll(async () => {
    await ensureFrontendBuilt();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    idp = await startTestIdp({ redirectUri: `${publicUrl}/api/v1/auth/oidc/callback`, postLogoutRedirectUri: `${publicUrl}/login` });
    server = await startTestServer({
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_SCOPES: 'openid profile email groups',
      OIDC_BUTTON_LABEL: LABEL,
    });
    await server.container.users.create({ username: 'alice', email: 'alice@example.com', role: 'user' });
    idp.accounts.set('alice', { sub: 'sub-alice', email: 'alice@example.com', email_verified: true, preferred_username: 'alice' });
    idp.nextLogin = 'alice';
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
    await idp?.close();
  });

  it('signs in at the provider, comes back to the page it left, and signs out there too', async () => {
    const context = await newContext(DESKTOP);
    const page = await context.newPage();

    // Signed out: the requests page sends us to the sign-in page, SSO button first.
    await page.goto('/requests');
    await page.waitForURL('**/login');
    const sso = page.getByRole('link', { name: LABEL });
    await sso.waitFor();
    expect(await sso.getAttribute('href')).toBe('/api/v1/auth/oidc/start?returnTo=%2Frequests');
    await shot(page, 'login-sso', 'desktop');

    // MediaNest → the provider (signs alice in) → MediaNest's callback → back to /requests.
    await sso.click();
    await page.waitForURL(`${server.baseUrl}/requests`);
    await page.getByRole('heading', { name: 'My requests' }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'alice' }).isVisible()).resolves.toBe(true);
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).json() as Promise<unknown>);
    expect(session).toMatchObject({ user: { username: 'alice' }, method: 'oidc' });

    // Sign out: the session ends here and the browser goes to the provider's end-session page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${idp.issuer}/session/end`));
    const endSession = new URL(page.url());
    expect(endSession.searchParams.get('client_id')).toBe(idp.clientId);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${server.baseUrl}/login`);
    const after = await fetch(`${server.baseUrl}/api/v1/auth/session`, {
      headers: { cookie: (await context.cookies(server.baseUrl)).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(after.status).toBe(401);
    await context.close();

    // The same sign-in page on a phone.
    const phone = await newContext(PHONE);
    const small = await phone.newPage();
    await small.goto('/login?sso_error=sso_no_account');
    await small.getByRole('link', { name: LABEL }).waitFor();
    await small.getByRole('alert').waitFor();
    await shot(small, 'login-sso', 'phone');
    await phone.close();

    expect(pageErrors).toEqual([]);
  }, 120_000);
});
