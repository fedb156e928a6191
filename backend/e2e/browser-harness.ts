/**
 * What the browser tests share: Debian's Chromium started headless through
 * playwright-core, the two screen sizes every page is checked at, the
 * screenshots folder (artifacts/screenshots/ at the repository root,
 * gitignored), and a browser context that never leaves 127.0.0.1 (TMDB
 * posters and the Plex sign-in page are answered locally, anything else
 * fails).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Route } from 'playwright-core';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/context';
import { FAKE_WEBHOOK_SECRET, startUpstreams, type Upstreams } from '../test/fakes/upstreams';
import { ensureFrontendBuilt, REPO_ROOT } from './frontend-build';
import { tabTo } from './keyboard';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export type Width = 'desktop' | 'phone';
export const VIEWPORTS: Record<Width, { width: number; height: number }> = { desktop: DESKTOP, phone: PHONE };
export const SCREENSHOTS = path.join(REPO_ROOT, 'artifacts/screenshots');

/** A poster for every TMDB image (the browser must not reach the internet). */
export const POSTER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="342" height="513" viewBox="0 0 342 513">' +
  '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3b5b92"/><stop offset="1" stop-color="#141e30"/></linearGradient></defs>' +
  '<rect width="342" height="513" fill="url(#g)"/><circle cx="171" cy="220" r="60" fill="#ffffff" fill-opacity="0.15"/></svg>';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Keeps every request on 127.0.0.1: TMDB posters and the Plex sign-in page are answered locally, anything else fails. */
export async function isolate(context: BrowserContext): Promise<void> {
  await context.route('**/*', (route: Route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    if (url.hostname === 'image.tmdb.org') return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: POSTER_SVG });
    if (url.hostname === 'app.plex.tv') {
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Plex</title><h1>Sign in to Plex</h1>' });
    }
    return route.abort('addressunreachable');
  });
}

/** An isolated context on `baseURL` whose pages' uncaught errors land in `pageErrors`. */
export async function isolatedContext(
  browser: Browser,
  baseURL: string,
  pageErrors: string[],
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, ...options });
  await isolate(context);
  context.on('page', (p) => p.on('pageerror', (err) => pageErrors.push(`${p.url()}: ${err.message}`)));
  return context;
}

export async function shot(page: Page, name: string, width: Width, fullPage = true): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage });
}

/** Signs in with the local admin account and waits for the dashboard. */
export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

export interface BrowserStack {
  upstreams: Upstreams;
  server: TestServer;
  browser: Browser;
  /** Uncaught errors of every page opened through `context`. */
  pageErrors: string[];
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  stop(): Promise<void>;
}

/**
 * The web app built, the fake plex.tv, Plex and Overseerr, a MediaNest serving the app (Overseerr's webhook
 * pointed at it) and Chromium; `plexAccounts` are signed in to plex.tv as the fixture account `alice`.
 */
export async function startBrowserStack(plexAccounts: string[] = []): Promise<BrowserStack> {
  await ensureFrontendBuilt();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const upstreams = await startUpstreams();
  for (const token of plexAccounts) {
    upstreams.plexTv.addAccount(token, 'alice', ['sharedServer', 'phone'], upstreams.plex.machineIdentifier);
  }
  const server = await startTestServer(upstreams.env);
  upstreams.overseerr.setWebhook(`${server.baseUrl}/api/v1/webhooks/overseerr`, FAKE_WEBHOOK_SECRET);
  const browser = await launchChromium();
  const pageErrors: string[] = [];
  return {
    upstreams,
    server,
    browser,
    pageErrors,
    context: (options) => isolatedContext(browser, server.baseUrl, pageErrors, options),
    async stop() {
      await browser.close();
      await server.cleanup();
      await upstreams.stop();
    },
  };
}

/**
 * Signs in with Plex from the keyboard alone: Tab to "Sign in with Plex", Enter; plex.tv's page
 * opens in a new window, where `token`'s account approves the PIN; the page then lands on the dashboard.
 */
export async function signInWithPlex(stack: BrowserStack, page: Page, token: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Sign in with Plex' }).waitFor();
  const pinResponse = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/plex/pin') && r.request().method() === 'POST');
  const popupOpened = page.context().waitForEvent('page');
  await tabTo(page, /Sign in with Plex/);
  await page.keyboard.press('Enter');
  const pin = (await (await pinResponse).json()) as { id: number };
  const popup = await popupOpened;
  stack.upstreams.plexTv.authorizePin(pin.id, token);
  await popup.close();
  await page.waitForURL(`${stack.server.baseUrl}/`);
  await page.locator('main h1').waitFor();
}
