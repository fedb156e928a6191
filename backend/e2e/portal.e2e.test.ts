/**
 * The portal in a real browser (issue 6 "Done when"): Debian's Chromium,
 * headless through playwright-core, against a MediaNest that serves the built
 * web app and talks to the fake plex.tv, Plex and Overseerr.
 *
 * A household member signs in with Plex, searches, requests a title, watches
 * its status change live when Overseerr's webhook arrives, and moves between
 * pages; closing the page sends the Web Vitals, which must show up in the
 * scraped /metrics under route templates (never raw paths). Every page is
 * saved as a screenshot at desktop (1280×800) and phone (390×844) widths in
 * artifacts/screenshots/ at the repository root (gitignored).
 *
 * The same pages in a German browser: the web app follows the browser's language (no stored
 * choice), <html lang> says so, and the screenshots (de-*.png) show whether German words fit —
 * Discover's rows and the title pages as carol, a member with an Overseerr user, and as the
 * administrator, who has none, the notice saying so.
 *
 * The installable web app and Web Push: the manifest and its icons, the
 * service worker, and a member enabling push on the Notifications page. A real
 * `pushManager.subscribe` in Chromium registers with Google's push service
 * (FCM) over the internet, which a test must never reach: the page's
 * PushManager is replaced (addInitScript) by one returning a subscription on
 * the local push service (test/receivers/web-push-receiver.ts), so everything
 * up to and after the browser's own call is real — permission, the VAPID key
 * handed to subscribe, the server storing the subscription, the encrypted push
 * the local service decrypts, and the service worker showing it (delivered
 * through the DevTools protocol, as a push service would).
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/features/auth/passwords';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/context';
import { Permission } from '../test/fakes/fake-overseerr';
import { FAKE_WEBHOOK_SECRET, startUpstreams, type Upstreams } from '../test/fakes/upstreams';
import { scrape, scrapedSum, type Sample } from '../test/metrics-helpers';
import { WebPushReceiver, type BrowserSubscription } from '../test/receivers/web-push-receiver';
import { OTHER_ROUTE, SPA_ROUTES } from '../src/observability/metrics/frontend-routes';
import { serviceIncidents } from '../src/db/schema';
import {
  DESKTOP,
  isolatedContext,
  launchChromium,
  PHONE,
  SCREENSHOTS,
  shot,
  signInAsAdmin,
  VIEWPORTS,
  type Width,
} from './browser-harness';
import { ensureFrontendBuilt } from './frontend-build';

const ALICE_PLEX_TOKEN = 'e2e-plex-token-alice';
/** The route label values the backend allows: the web app's templates and `other`. */
const SPA_ROUTE_LABELS = new Set<string>([...SPA_ROUTES, OTHER_ROUTE]);

let upstreams: Upstreams;
let server: TestServer;
let browser: Browser;
const pageErrors: string[] = [];

/**
 * Stands in for the browser's PushManager (see the file comment): subscribe()
 * records what the page asked for and answers with `subscription`, on the local
 * push service; getSubscription() and unsubscribe() behave as the real ones.
 */
function stubPushManager(subscription: BrowserSubscription): void {
  const w = window as unknown as { __push: { calls: { userVisibleOnly: boolean; key: string }[]; unsubscribed: number } };
  w.__push = { calls: [], unsubscribed: 0 };
  const remembered = () => localStorage.getItem('stub-push-key');
  const toBase64Url = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const fromBase64Url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const make = (key: string) => ({
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: fromBase64Url(key).buffer },
    getKey: () => null,
    toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys }),
    unsubscribe: async () => {
      localStorage.removeItem('stub-push-key');
      w.__push.unsubscribed += 1;
      return true;
    },
  });
  PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
    const raw = options?.applicationServerKey;
    const key = toBase64Url(new Uint8Array(raw instanceof ArrayBuffer ? raw : (raw as Uint8Array).buffer));
    w.__push.calls.push({ userVisibleOnly: options?.userVisibleOnly === true, key });
    localStorage.setItem('stub-push-key', key);
    return make(key);
  };
  PushManager.prototype.getSubscription = async function () {
    const key = remembered();
    return key ? make(key) : null;
  };
}

function newContext(
  viewport: { width: number; height: number },
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>,
  locale = 'en-US',
) {
  return isolatedContext(browser, server.baseUrl, pageErrors, { viewport, storageState, locale });
}

/** The nav link in the header (opening the phone menu first when it is collapsed). */
async function navigate(page: Page, label: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

/** Carol: a local account whose e-mail is her Overseerr user's (3); answers that Overseerr user's id. */
async function carol(): Promise<number> {
  if (!(await server.container.users.findByUsername('carol'))) {
    await server.container.users.create({
      username: 'carol',
      role: 'user',
      passwordHash: await hashPassword('carol-password'),
      email: 'carol@example.com',
      plexId: null,
    });
  }
  return upstreams.overseerr.userId('carol@example.com');
}

/** Signs in with a local account in a browser speaking `language`, and waits for the dashboard. */
async function signIn(page: Page, username: string, password: string, language: 'en' | 'de' = 'en'): Promise<void> {
  const [user, secret, button, dashboard] =
    language === 'de' ? ['Benutzername', 'Passwort', 'Anmelden', 'Übersicht'] : ['Username', 'Password', 'Sign in', 'Dashboard'];
  await page.goto('/login');
  await page.getByLabel(user).fill(username);
  await page.getByLabel(secret).fill(password);
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: dashboard, exact: true }).waitFor();
}

/** Discover's rows and the two title pages carol browses (Gladiator II, The Last of Us), by screenshot name. */
const TITLE_PAGES = [
  ['discover-rows', '/discover'],
  ['title-movie', '/movie/558449'],
  ['title-tv', '/tv/100088'],
] as const;

/**
 * Opens each of TITLE_PAGES under its <h1> (`headings`, in the page's language), once the rows it shows
 * first have their cards (they load as they scroll into view), and saves it as `<prefix><name>-<width>`;
 * nothing may be wider than the window.
 */
async function shootTitlePages(page: Page, width: Width, headings: readonly [string, string, string], prefix = ''): Promise<void> {
  for (const [i, [name, url]] of TITLE_PAGES.entries()) {
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: headings[i], exact: true }).waitFor();
    const rows = await page.locator('.title-row').all();
    for (const row of name === 'discover-rows' ? rows.slice(0, 2) : rows) {
      await row.scrollIntoViewIfNeeded();
      await row.locator('.media-card').first().waitFor();
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, `${prefix}${name}`, width, name !== 'discover-rows');
    await expectNoWiderThanWindow(page, width, url);
  }
}

/**
 * The administrator's German header folds into its menu only when it does not fit: on a wide window the whole
 * navigation and Abmelden in one row, no Menü; narrowed, Menü, with Abmelden in the opened menu; widened again,
 * one row. Leaves the window at desktop size.
 */
async function headerFoldsAndUnfolds(page: Page): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menü', exact: true });
  const signOut = page.getByRole('button', { name: 'Abmelden', exact: true });
  const adminLink = page.getByRole('navigation', { name: 'Hauptmenü' }).getByRole('link', { name: 'Verwaltung', exact: true });
  const inOneRow = async (width: number) => {
    await page.setViewportSize({ width, height: DESKTOP.height });
    await signOut.waitFor();
    await adminLink.waitFor();
    // The header measures again after the resize: Menü goes once the row is known to fit (it may still be open).
    await expect.poll(() => menu.count(), { message: `${width} px`, timeout: 10_000 }).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${width} px`).toBeLessThanOrEqual(width);
  };
  await inOneRow(1600);
  await page.setViewportSize({ width: 800, height: DESKTOP.height });
  await menu.waitFor();
  expect(await signOut.isVisible()).toBe(false);
  await menu.click();
  await signOut.waitFor();
  await adminLink.waitFor();
  await inOneRow(1600);
  await page.setViewportSize(DESKTOP);
}

/** Nothing on the page is wider than the window at `width` (no sideways scrolling, nothing cut off). */
async function expectNoWiderThanWindow(page: Page, width: Width, what: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(VIEWPORTS[width].width);
}

async function pollMetrics(predicate: (samples: Sample[]) => boolean, what: string, timeoutMs = 15_000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const samples = await scrape(server.metricsUrl!);
    if (predicate(samples)) return samples;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what} in /metrics`);
}

const VITALS = {
  LCP: 'medianest_web_vitals_lcp_seconds_count',
  FCP: 'medianest_web_vitals_fcp_seconds_count',
  TTFB: 'medianest_web_vitals_ttfb_seconds_count',
  CLS: 'medianest_web_vitals_cls_count',
  INP: 'medianest_web_vitals_inp_seconds_count',
} as const;

/** Closes the page the way a user leaving does: visibility turns hidden, pagehide fires, beacons go out. */
async function leave(page: Page): Promise<void> {
  // web-vitals reports INP only once the page is hidden, and only for interactions it has
  // finished measuring: leaving within ~2 s of the last click loses it.
  await page.waitForTimeout(2000);
  await page.close({ runBeforeUnload: true });
}

describe('the MediaNest web app in Chromium', () => {
  beforeAll(async () => {
    await ensureFrontendBuilt();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    upstreams = await startUpstreams();
    upstreams.plexTv.addAccount(ALICE_PLEX_TOKEN, 'alice', ['sharedServer', 'phone'], upstreams.plex.machineIdentifier);
    // The local push service is on 127.0.0.1: the explicit opt-in for tests.
    server = await startTestServer({ ...upstreams.env, WEB_PUSH_ALLOW_LOOPBACK: 'true' });
    upstreams.overseerr.setWebhook(`${server.baseUrl}/api/v1/webhooks/overseerr`, FAKE_WEBHOOK_SECRET);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
    await upstreams?.stop();
  });

  it('signs in with Plex, requests a title, follows it live, and reports Web Vitals per route template', async () => {
    const desktop = await newContext(DESKTOP);
    const page = await desktop.newPage();

    // Signed out: the dashboard sends us to the sign-in page.
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await shot(page, 'login', 'desktop');

    // Sign in with Plex: a PIN, Plex's page in a new window, approval there, polling here.
    const pinResponse = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/plex/pin') && r.request().method() === 'POST');
    const popupOpened = desktop.waitForEvent('page');
    await page.getByRole('button', { name: 'Sign in with Plex' }).click();
    const pin = (await (await pinResponse).json()) as { id: number; authUrl: string };
    const popup = await popupOpened;
    await popup.waitForURL(/app\.plex\.tv/);
    await page.getByText('Finish signing in on the Plex page').waitFor();
    upstreams.plexTv.authorizePin(pin.id, ALICE_PLEX_TOKEN);
    await popup.close();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Welcome back, alice.').waitFor();
    await page.getByRole('heading', { name: 'Services' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await shot(page, 'dashboard', 'desktop');

    // Keyboard: the first Tab reaches the skip link, which is then visible.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect.poll(() => skip.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await skip.boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);

    // Search and request, with alice's Overseerr quota of 5 movies a week beside each Request button.
    upstreams.overseerr.setQuota(upstreams.overseerr.userId('alice@example.com'), 'movie', { limit: 5, days: 7 });
    await navigate(page, 'Discover');
    await page.waitForURL('**/discover');
    await page.getByLabel('Search movies and shows').fill('matrix');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const revolutions = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'The Matrix Revolutions' }) });
    await revolutions.waitFor();
    const matrix = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'The Matrix', exact: true }) });
    await matrix.getByText('Available', { exact: true }).waitFor();
    expect(await matrix.getByRole('button').count()).toBe(0);
    const reloaded = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'The Matrix Reloaded' }) });
    await reloaded.getByText('Already requested').waitFor();
    const posters = await page
      .locator('.poster-frame img')
      .evaluateAll((imgs) =>
        imgs.map((img) => ({ src: (img as HTMLImageElement).src, w: img.getAttribute('width'), h: img.getAttribute('height') })),
      );
    expect(posters.length).toBeGreaterThan(0);
    for (const p of posters) {
      expect(p.src).toMatch(/^https:\/\/image\.tmdb\.org\/t\/p\/w342\//);
      expect([p.w, p.h]).toEqual(['342', '513']);
    }
    await revolutions.getByText('5 of 5 left').waitFor();
    await shot(page, 'discover-quota', 'desktop');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/media/requests') && r.request().method() === 'POST');
    await revolutions.getByRole('button', { name: 'Request The Matrix Revolutions' }).click();
    const createdResponse = await created;
    expect(createdResponse.status()).toBe(201);
    const request = ((await createdResponse.json()) as { request: { id: number; overseerrId: number; status: string } }).request;
    expect(request.status).toBe('pending');
    await revolutions.getByText('Pending approval', { exact: true }).waitFor();
    await shot(page, 'discover', 'desktop');

    // Someone else requests Fight Club in Overseerr meanwhile: our Request button answers 409 → "Already requested".
    await page.getByLabel('Search movies and shows').fill('fight club');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const fightClub = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Fight Club' }) });
    await fightClub.getByRole('button', { name: 'Request Fight Club' }).waitFor();
    const carol = await fetch(`${upstreams.overseerr.url}/api/v1/request`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Api-Key': upstreams.overseerr.apiKey,
        'X-API-User': String(upstreams.overseerr.userId('carol@example.com')),
      },
      body: JSON.stringify({ mediaType: 'movie', mediaId: 550 }),
    });
    expect(carol.status).toBe(201);
    await fightClub.getByRole('button', { name: 'Request Fight Club' }).click();
    await fightClub.getByText('Already requested').waitFor();

    // Request Inception, open it and cancel it while it is still pending.
    await page.getByLabel('Search movies and shows').fill('inception');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const inception = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Inception' }) });
    await inception.getByText('4 of 5 left').waitFor();
    await inception.getByRole('button', { name: 'Request Inception' }).click();
    await inception.getByText('Pending approval', { exact: true }).waitFor();
    await inception.getByRole('link', { name: 'View request' }).click();
    await page.waitForURL(/\/requests\/\d+$/);
    // The request page's own <h1> (the search page may still be on screen for a moment).
    await page.getByRole('heading', { level: 1, name: 'Inception', exact: true }).waitFor();
    // Nothing downloading and no history of fulfilled movie requests yet: an honest "no estimate yet".
    await page.getByRole('region', { name: 'When to expect it' }).getByText('No estimate yet').waitFor();
    await shot(page, 'request-pending', 'desktop');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Cancel request' }).click();
    await page.getByText('Cancelled', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel request' }).count()).toBe(0);

    // My requests: the status changes live when Overseerr's webhook arrives.
    await navigate(page, 'Requests');
    await page.waitForURL('**/requests');
    const row = page.getByRole('listitem').filter({ hasText: 'The Matrix Revolutions' });
    await row.getByText('Pending approval', { exact: true }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    expect(await upstreams.overseerr.approve(request.overseerrId)).toBe(200);
    await row.getByText('Processing', { exact: true }).waitFor();
    await shot(page, 'requests', 'desktop');

    // The request page follows it live: approved by Overseerr's owner, then the download
    // (each run of the request-progress job is what its 60 s timer would do), then Plex.
    await row.getByRole('link', { name: 'The Matrix Revolutions' }).click();
    await page.waitForURL(`**/requests/${request.id}`);
    await page.getByRole('heading', { level: 1, name: 'The Matrix Revolutions', exact: true }).waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Requested by alice').waitFor();
    await timeline.getByText('Approved by owner').waitFor();
    upstreams.overseerr.startDownload(request.overseerrId, { size: 4_000_000_000 });
    await server.container.requestSync.refreshProgress();
    const download = page.getByRole('region', { name: 'Download' });
    await download.getByText('0%').waitFor();
    await timeline.getByText('Downloading', { exact: true }).waitFor();
    upstreams.overseerr.advanceDownload(request.overseerrId, 0.6);
    await server.container.requestSync.refreshProgress();
    await download.getByText('60%').waitFor();
    expect(await download.getByRole('progressbar', { name: 'Downloaded' }).getAttribute('value')).toBe('60');
    await download.getByText(/min left/).waitFor();
    await shot(page, 'request-downloading', 'desktop');
    upstreams.overseerr.finishDownload(request.overseerrId);
    expect(await upstreams.overseerr.markAvailable(request.overseerrId, '1021')).toBe(200);
    await page.getByText('Available', { exact: true }).first().waitFor();
    const play = page.getByRole('link', { name: 'Play The Matrix Revolutions on Plex' });
    await play.waitFor();
    expect(await play.getAttribute('href')).toBe(
      `https://app.plex.tv/desktop#!/server/${upstreams.plex.machineIdentifier}/details?key=%2Flibrary%2Fmetadata%2F1021`,
    );
    await timeline.getByText('Available in Plex').waitFor();
    expect(await download.count()).toBe(0);
    await shot(page, 'request', 'desktop');

    // Something is wrong with it: alice (whom the owner let report issues in Overseerr) reports a problem,
    // and sees the owner's answer and the resolution arrive live.
    upstreams.overseerr.setPermissions(upstreams.overseerr.userId('alice@example.com'), Permission.REQUEST | Permission.CREATE_ISSUES);
    const reportSection = page.getByRole('region', { name: 'Something wrong with it?' });
    await reportSection.getByRole('button', { name: 'Report a problem' }).click();
    await reportSection.getByLabel('What is wrong').selectOption('audio');
    await reportSection.getByLabel('What happens').fill('The sound drifts out of sync after 20 minutes.');
    await shot(page, 'report-problem', 'desktop');
    const reported = page.waitForResponse((r) => r.url().endsWith('/api/v1/issues') && r.request().method() === 'POST');
    await reportSection.getByRole('button', { name: 'Send report' }).click();
    const reportedResponse = await reported;
    expect(reportedResponse.status()).toBe(201);
    const issueId = ((await reportedResponse.json()) as { issue: { id: number } }).issue.id;
    expect(upstreams.overseerr.issue(issueId)).toMatchObject({ createdBy: upstreams.overseerr.userId('alice@example.com'), issueType: 2 });
    await reportSection.getByRole('link', { name: 'My problem reports' }).click();
    await page.waitForURL('**/problems');
    const problem = page.locator('.problem-row').filter({ hasText: 'The Matrix Revolutions' });
    await problem.getByText('Open', { exact: true }).waitFor();
    await problem.getByRole('button', { name: 'Conversation' }).click();
    await problem.getByText(/The sound drifts out of sync after 20 minutes\./).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    expect(await upstreams.overseerr.commentOnIssue(issueId, 'Replaced the file, try again.')).toBe(200);
    await problem.getByText('Replaced the file, try again.').waitFor();
    expect(await upstreams.overseerr.resolveIssue(issueId)).toBe(200);
    await problem.getByText('Resolved', { exact: true }).waitFor();
    await problem.getByText(/resolved by owner/).waitFor();
    await shot(page, 'problems', 'desktop');

    // The library and one of its sections, then home.

    await navigate(page, 'Library');
    await page.waitForURL('**/library');
    await page.getByRole('heading', { name: 'Recently added' }).waitFor();
    const firstLibrary = page.getByRole('region', { name: 'Libraries' }).getByRole('link').first();
    await firstLibrary.waitFor();
    await page.locator('.card-grid .media-card').first().waitFor();
    await shot(page, 'library', 'desktop');
    const libraryName = (await firstLibrary.textContent()) ?? '';
    await firstLibrary.click();
    await page.waitForURL(/\/library\/\d+$/);
    await page.getByRole('heading', { name: libraryName }).waitFor();
    await page.locator('.card-grid .media-card').first().waitFor();
    const playLinks = page.locator('.card-grid .media-card').getByRole('link', { name: /^Play .* on Plex$/ });
    expect(await playLinks.first().getAttribute('href')).toMatch(
      new RegExp(
        `^https://app\\.plex\\.tv/desktop#!/server/${upstreams.plex.machineIdentifier}/details\\?key=%2Flibrary%2Fmetadata%2F\\d+$`,
      ),
    );
    await shot(page, 'library-section', 'desktop');
    // A title in the library can be reported from its card too.
    const reportFromLibrary = page
      .locator('.card-grid .media-card')
      .getByRole('link', { name: /^Report a problem with / })
      .first();
    const reportedTitle = ((await reportFromLibrary.getAttribute('aria-label')) ?? '').replace('Report a problem with ', '');
    await reportFromLibrary.click();
    await page.waitForURL('**/problems/new?**');
    await page.getByRole('heading', { level: 1, name: `Report a problem with ${reportedTitle}` }).waitFor();
    await page
      .getByRole('form', { name: `Report a problem with ${reportedTitle}` })
      .getByLabel('What happens')
      .waitFor();
    await shot(page, 'report-problem-page', 'desktop');

    await navigate(page, 'Dashboard');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await leave(page);

    // The first visit landed on / (then /login): its load metrics carry the landing template.
    await pollMetrics(
      (s) => scrapedSum(s, VITALS.TTFB, { route: '/' }) >= 1 && scrapedSum(s, VITALS.FCP, { route: '/' }) >= 1,
      'TTFB and FCP for route "/"',
    );
    // Route-to-route navigations and API timings, labelled with templates.
    let samples = await pollMetrics(
      (s) =>
        ['/discover', '/requests', '/requests/:id', '/library', '/library/:key', '/'].every(
          (route) => scrapedSum(s, 'medianest_frontend_navigation_duration_seconds_count', { route }) >= 1,
        ),
      'navigation_duration for every visited route',
    );
    expect(
      scrapedSum(samples, 'medianest_frontend_api_request_duration_seconds_count', {
        endpoint: '/api/v1/media/requests',
        method: 'POST',
        status_class: '2xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      scrapedSum(samples, 'medianest_frontend_api_request_duration_seconds_count', {
        endpoint: '/api/v1/media/requests/:id',
        method: 'GET',
        status_class: '2xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      scrapedSum(samples, 'medianest_frontend_api_request_duration_seconds_count', {
        endpoint: '/api/v1/media/requests',
        status_class: '4xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(scrapedSum(samples, 'medianest_frontend_api_request_duration_seconds_count', { endpoint: '/api/v1/metrics/web-vitals' })).toBe(
      0,
    );

    // A fresh load straight onto a page with an id, one click, then leave: all five vitals for its template.
    const detail = await desktop.newPage();
    await detail.goto(`/requests/${request.id}`);
    await detail.getByRole('heading', { name: 'The Matrix Revolutions' }).waitFor();
    await detail.getByRole('heading', { name: 'The Matrix Revolutions' }).click();
    await leave(detail);
    samples = await pollMetrics(
      (s) => Object.values(VITALS).every((name) => scrapedSum(s, name, { route: '/requests/:id' }) >= 1),
      'LCP, FCP, TTFB, CLS and INP for route "/requests/:id"',
    );

    // Labels are templates only: no raw ids, no unknown routes.
    for (const s of samples.filter(
      (x) => x.name.startsWith('medianest_web_vitals_') || x.name.startsWith('medianest_frontend_navigation'),
    )) {
      expect(SPA_ROUTE_LABELS, `${s.name} route="${s.labels.route}"`).toContain(s.labels.route);
    }
    for (const s of samples.filter((x) => x.name.startsWith('medianest_frontend_api_request_duration'))) {
      expect(s.labels.endpoint, `${s.name} endpoint`).not.toMatch(/\/\d+(\/|$)/);
    }

    // The same pages on a phone, signed in as the same person.
    const state = await desktop.storageState();
    await desktop.close();
    const phone = await newContext(PHONE, state);
    const small = await phone.newPage();
    const pages: [string, string, string][] = [
      ['dashboard', '/', 'Dashboard'],
      ['discover', '/discover?q=matrix', 'Discover'],
      ['requests', '/requests', 'My requests'],
      ['request', `/requests/${request.id}`, 'The Matrix Revolutions'],
      ['library', '/library', 'Library'],
      ['library-section', '/library/1', 'Movies'],
      ['discover-quota', '/discover?q=inception', 'Discover'],
      ['problems', '/problems', 'My problem reports'],
    ];
    for (const [name, url, heading] of pages) {
      await small.goto(url);
      await small.getByRole('heading', { name: heading, exact: true }).waitFor();
      await small.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
      await shot(small, name, 'phone');
      // Nothing may be wider than the phone's screen.
      expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    }
    await small.getByRole('button', { name: 'Conversation' }).click();
    await small.getByText('Replaced the file, try again.').waitFor();
    await shot(small, 'problem-conversation', 'phone');
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await small.goto('/');
    await small.getByRole('button', { name: 'Menu' }).click();
    await small.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Discover' }).waitFor();
    await shot(small, 'menu-open', 'phone');
    await small.keyboard.press('Escape');
    await small.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'hidden' });
    expect(await small.getByRole('button', { name: 'Menu' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await phone.close();

    // Signed out, on a phone.
    const anonymous = await newContext(PHONE);
    const login = await anonymous.newPage();
    await login.goto('/login');
    await login.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await shot(login, 'login', 'phone');
    await anonymous.close();

    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('shows the administrator pages at desktop and phone widths', async () => {
    for (const [width, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const context = await newContext(viewport);
      const page = await context.newPage();
      await signInAsAdmin(page);
      await navigate(page, 'Admin');
      await page.getByRole('heading', { name: 'Administration' }).waitFor();
      await shot(page, 'admin', width);

      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { name: 'Users' }).waitFor();
      const alice = page.getByRole('listitem').filter({ hasText: 'alice' });
      await alice.waitFor();
      if (width === 'desktop') {
        await alice.getByRole('button', { name: 'Disable alice' }).click();
        await alice.getByText('Disabled', { exact: true }).waitFor();
        await alice.getByRole('button', { name: 'Enable alice' }).click();
        await alice.getByRole('button', { name: 'Disable alice' }).waitFor();
        await alice.getByLabel('Role of alice').selectOption('admin');
        await expect.poll(() => alice.getByLabel('Role of alice').inputValue()).toBe('admin');
        await alice.getByLabel('Role of alice').selectOption('user');
        await expect.poll(() => alice.getByLabel('Role of alice').inputValue()).toBe('user');
      }
      await shot(page, 'admin-users', width);

      await page.goto('/admin/requests');
      await page.getByRole('heading', { name: 'All requests' }).waitFor();
      await page.getByRole('listitem').filter({ hasText: 'The Matrix Revolutions' }).waitFor();
      await page.getByLabel('Status').selectOption('pending');
      await page.waitForURL('**/admin/requests?status=pending');
      await page.getByText('No requests with the status “Pending approval”.').waitFor();
      await page.getByLabel('Status').selectOption('');
      await page.getByRole('listitem').filter({ hasText: 'The Matrix Revolutions' }).waitFor();
      await shot(page, 'admin-requests', width);

      await page.goto('/admin/services');
      await page.getByRole('heading', { name: 'Monitored services' }).waitFor();
      if (width === 'desktop') {
        await page.getByLabel('Name').fill('Sonarr');
        await page.getByLabel('URL').fill(`${upstreams.plex.url}/identity`);
        await page.getByRole('button', { name: 'Add service' }).click();
        await page.getByRole('listitem').filter({ hasText: 'Sonarr' }).waitFor();
      }
      await page.getByRole('listitem').filter({ hasText: 'Sonarr' }).waitFor();
      await shot(page, 'admin-services', width);

      await page.goto('/admin/ops');
      await page.getByRole('heading', { name: 'Operations' }).waitFor();
      await page.getByRole('heading', { name: 'Web Vitals (p75, last hour)' }).waitFor();
      await page.getByRole('region', { name: 'Web Vitals p75 per route' }).getByText('/requests/:id').waitFor();
      await shot(page, 'admin-ops', width);
      if (width === 'phone') {
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      }
      await context.close();
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('installs as a web app and lets a member turn on push notifications on this device', async () => {
    const pushService = new WebPushReceiver();
    await pushService.start();
    try {
      const browserSubscription = pushService.subscribe();
      const context = await newContext(DESKTOP);
      await context.grantPermissions(['notifications'], { origin: server.baseUrl });
      await context.addInitScript(stubPushManager, browserSubscription);
      const page = await context.newPage();
      await signInAsAdmin(page);

      // Installable: the manifest the page links to, its icons real PNGs of the sizes it states.
      const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
      const manifestResponse = await page.request.get(manifestHref!);
      expect(manifestResponse.headers()['content-type']).toContain('application/manifest+json');
      expect(manifestResponse.headers()['cache-control']).toBe('no-cache');
      const manifest = (await manifestResponse.json()) as {
        name: string;
        short_name: string;
        start_url: string;
        display: string;
        theme_color: string;
        icons: { src: string; sizes: string; type: string; purpose: string }[];
      };
      expect(manifest).toMatchObject({ name: 'MediaNest', short_name: 'MediaNest', start_url: '/', display: 'standalone' });
      expect(manifest.theme_color).toMatch(/^#[\da-f]{6}$/i);
      expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
      const appleTouchIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
      for (const icon of [...manifest.icons, { src: appleTouchIcon!, sizes: '180x180', type: 'image/png' }]) {
        const response = await page.request.get(icon.src);
        expect(response.headers()['content-type'], icon.src).toBe('image/png');
        const decoded = await page.evaluate(async (src) => {
          const image = new Image();
          image.src = src;
          await image.decode();
          return `${image.naturalWidth}x${image.naturalHeight}`;
        }, icon.src);
        expect(decoded, icon.src).toBe(icon.sizes);
      }

      // The service worker: served fresh with a JavaScript type, registered for the whole site.
      const worker = await page.request.get('/sw.js');
      expect(worker.headers()['content-type']).toContain('javascript');
      expect(worker.headers()['cache-control']).toBe('no-cache');
      const registration = await page.evaluate(async () => {
        const ready = await navigator.serviceWorker.ready;
        return { scope: ready.scope, script: ready.active?.scriptURL };
      });
      expect(registration).toEqual({ scope: `${server.baseUrl}/`, script: `${server.baseUrl}/sw.js` });

      // The admin adds a Web Push channel with its VAPID contact.
      await page.goto('/admin/notifications');
      await page.getByRole('heading', { name: 'Notification channels' }).waitFor();
      await page.getByLabel('Kind').selectOption('webpush');
      await page.getByLabel('Name').fill('Browsers');
      await page.getByLabel('Contact for push services (VAPID subject)').fill('mailto:owner@example.com');
      await page.getByRole('button', { name: 'Add channel' }).click();
      const channelRow = page.getByRole('listitem').filter({ hasText: 'Browsers' });
      await channelRow.waitFor();

      // On the Notifications page: enable push on this device, then choose what to hear.
      await page.goto('/notifications');
      const section = page.getByRole('region', { name: /Browsers/ });
      const enable = section.getByRole('button', { name: 'Enable push notifications on this device' });
      await expect.poll(() => enable.isEnabled()).toBe(true);
      await shot(page, 'notifications-push-off', 'desktop');
      await enable.click();
      await section.getByText('Push notifications are on for this device.').waitFor();
      await section.getByRole('list', { name: 'Devices receiving push notifications' }).getByText('(this device)').waitFor();
      const { publicKey } = (await (await page.request.get('/api/v1/notifications/push')).json()) as { publicKey: string };
      expect(await page.evaluate(() => (window as unknown as { __push: { calls: unknown[] } }).__push.calls)).toEqual([
        { userVisibleOnly: true, key: publicKey },
      ]);
      await section.getByLabel('My request was approved').check();
      await section.getByRole('button', { name: 'Save' }).click();
      await section.getByText('Saved').waitFor();
      await shot(page, 'notifications', 'desktop');

      // Send test: the server encrypts for this browser's keys; the local push service decrypts it.
      await page.goto('/admin/notifications');
      await channelRow.getByRole('button', { name: 'Send a test message on Browsers' }).click();
      await channelRow.getByText(/Test message delivered/).waitFor();
      await shot(page, 'admin-notifications', 'desktop');
      const [pushed] = pushService.to(browserSubscription.endpoint);
      expect(pushed!.payload).toMatchObject({ title: 'MediaNest test notification', event: 'test' });
      expect(pushed!.vapidPublicKey).toBe(publicKey);

      // What the push service would hand the browser, delivered to the service worker: it shows the notification.
      const cdp = await context.newCDPSession(page);
      const registrationId = new Promise<string>((resolve) =>
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const found = registrations.find((r) => r.scopeURL === `${server.baseUrl}/` && !r.isDeleted);
          if (found) resolve(found.registrationId);
        }),
      );
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: server.baseUrl,
        registrationId: await registrationId,
        data: JSON.stringify(pushed!.payload),
      });
      await expect
        .poll(() =>
          page.evaluate(async () =>
            (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
              title: n.title,
              body: n.body,
              data: n.data as unknown,
            })),
          ),
        )
        .toEqual([{ title: 'MediaNest test notification', body: pushed!.payload.body, data: { link: pushed!.payload.link ?? '/' } }]);

      // The same member on a phone, a device without push yet: the desktop is listed, not "this device".
      const phone = await newContext(PHONE, await context.storageState());
      // Never the real PushManager, even if a permission slipped through (it would reach FCM).
      await phone.addInitScript(stubPushManager, pushService.subscribe());
      const small = await phone.newPage();
      await small.goto('/notifications');
      const phoneSection = small.getByRole('region', { name: /Browsers/ });
      await phoneSection.getByRole('button', { name: 'Enable push notifications on this device' }).waitFor();
      await phoneSection.getByRole('button', { name: 'Remove Chrome on Linux' }).waitFor();
      expect(await phoneSection.getByText('(this device)').count()).toBe(0);
      await small.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
      await shot(small, 'notifications', 'phone');
      expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      // This browser was not given permission to show notifications: it says so, and subscribes nothing.
      await phoneSection.getByRole('button', { name: 'Enable push notifications on this device' }).click();
      await expect.poll(() => phoneSection.getByRole('alert').textContent()).toMatch(/did not allow notifications|blocked/);
      expect(await small.evaluate(() => (window as unknown as { __push: { calls: unknown[] } }).__push.calls)).toEqual([]);
      await shot(small, 'notifications-push-refused', 'phone');
      await phone.close();

      // Turning it off unsubscribes the browser and removes the device.
      await page.goto('/notifications');
      await section.getByRole('button', { name: 'Turn off push notifications on this device' }).click();
      await section.getByText('Push notifications are off for this device.').waitFor();
      expect(await page.evaluate(() => (window as unknown as { __push: { unsubscribed: number } }).__push.unsubscribed)).toBe(1);
      expect(((await (await page.request.get('/api/v1/notifications/push')).json()) as { devices: unknown[] }).devices).toEqual([]);
      await context.close();
    } finally {
      await pushService.stop();
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('shows the status page, and an announcement banner appears live on it, at desktop and phone widths', async () => {
    // Two outages of the last days, as the service-health job records them (an hour of probes is too long for this test).
    const day = 86_400_000;
    await server.container.database.db.insert(serviceIncidents).values([
      {
        service: 'overseerr',
        startedAt: new Date(Date.now() - 2 * day),
        endedAt: new Date(Date.now() - 2 * day + 14 * 60_000),
        cause: 'answered HTTP 503',
      },
      {
        service: 'plex',
        startedAt: new Date(Date.now() - 5 * day),
        endedAt: new Date(Date.now() - 5 * day + 25 * 60_000),
        maintenance: true,
      },
    ]);
    const context = await newContext(DESKTOP);
    const status = await context.newPage();
    await signInAsAdmin(status);
    await navigate(status, 'Status');
    await status.getByRole('heading', { name: 'Service status' }).waitFor();
    const plex = status.getByRole('listitem').filter({ hasText: 'Used for Library, Play links' });
    await plex.getByText('Up', { exact: true }).waitFor();
    await status.getByText('Live', { exact: true }).waitFor();
    const outage = status.getByRole('listitem').filter({ hasText: 'Overseerr was down' });
    await outage.getByText('Affected: Search, Requests').waitFor();
    await outage.getByText(/14 min/).waitFor();
    await status.getByRole('listitem').filter({ hasText: 'Plex was down' }).getByText('Maintenance').waitFor();
    await shot(status, 'status', 'desktop');

    // The admin announces something and plans maintenance in another tab; the status page shows the banners without a reload.
    const admin = await context.newPage();
    await admin.goto('/admin/status');
    await admin.getByRole('heading', { name: 'Maintenance and announcements' }).waitFor();
    await admin.getByLabel('Message').fill('Plex restarts tonight at 23:00 for an update.');
    await admin.getByLabel('Kind').selectOption('warning');
    await admin.getByRole('button', { name: 'Announce' }).click();
    const banners = status.getByRole('region', { name: 'Announcements' });
    await banners.getByText('Plex restarts tonight at 23:00 for an update.').waitFor();
    await admin.getByLabel('Plex', { exact: true }).check();
    await admin.getByLabel('What members are told').fill('New disks for the library; Plex may stop for a few minutes.');
    await admin.getByRole('button', { name: 'Plan maintenance' }).click();
    await banners.getByText(/New disks for the library/).waitFor();
    await plex.getByText('Maintenance', { exact: true }).waitFor();
    await shot(status, 'status-banner', 'desktop');
    await admin.getByRole('listitem').filter({ hasText: 'Plex restarts tonight' }).getByText('In force').waitFor();
    await shot(admin, 'admin-status', 'desktop');

    const phone = await newContext(PHONE, await context.storageState());
    const onPhone = await phone.newPage();
    await onPhone.goto('/status');
    await onPhone.getByRole('heading', { name: 'Service status' }).waitFor();
    await onPhone.getByRole('region', { name: 'Announcements' }).getByText('Plex restarts tonight at 23:00 for an update.').waitFor();
    await shot(onPhone, 'status', 'phone');
    expect(await onPhone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await onPhone.goto('/admin/status');
    await onPhone.getByRole('listitem').filter({ hasText: 'Plex restarts tonight' }).waitFor();
    await shot(onPhone, 'admin-status', 'phone');
    expect(await onPhone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // Ending the announcement takes its banner away everywhere, live.
    await admin
      .getByRole('listitem')
      .filter({ hasText: 'Plex restarts tonight' })
      .getByRole('button', { name: /End the announcement/ })
      .click();
    await banners.getByText('Plex restarts tonight at 23:00 for an update.').waitFor({ state: 'detached' });
    await phone.close();
    await context.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);
  it('browses Discover rows, opens title pages, requests a movie and a season, at desktop and phone widths', async () => {
    // Carol signs in with a local account whose e-mail is her Overseerr user's (3), with a TV quota of 6 seasons a week.
    const carolId = await carol();
    upstreams.overseerr.setQuota(carolId, 'tv', { limit: 6, days: 7 });
    const desktop = await newContext(DESKTOP);
    const page = await desktop.newPage();
    await signIn(page, 'carol', 'carol-password');

    // Discover opens on rows, read from Overseerr as carol; each card says where the title stands.
    const discoverSeen = upstreams.overseerr.discoverSeenBy.length;
    await navigate(page, 'Discover');
    await page.waitForURL('**/discover');
    const trending = page.getByRole('region', { name: 'Trending' });
    const dune = trending.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Dune: Part Two', exact: true }) });
    await dune.getByText('Available', { exact: true }).waitFor();
    await trending.getByRole('listitem').filter({ hasText: 'The Last of Us' }).getByText('Partly available').waitFor();
    await page.getByRole('region', { name: 'Popular shows' }).getByRole('link', { name: 'Shōgun' }).waitFor();
    expect(upstreams.overseerr.discoverSeenBy.slice(discoverSeen)).toContain(carolId);
    expect(new Set(upstreams.overseerr.discoverSeenBy.slice(discoverSeen))).toEqual(new Set([carolId]));
    await page.getByLabel('Search movies and shows').waitFor();
    await shot(page, 'discover-rows', 'desktop', false);

    // More titles page into a row from the keyboard.
    const popular = page.getByRole('region', { name: 'Popular movies' });
    await popular.getByRole('button', { name: 'More: Popular movies' }).focus();
    await page.keyboard.press('Enter');
    await popular.getByRole('link', { name: 'Inception', exact: true }).waitFor();

    // A movie's own page: facts, cast, a trailer link, recommendations; requested in one click.
    await popular.getByRole('link', { name: 'Gladiator II', exact: true }).click();
    await page.waitForURL('**/movie/558449');
    await page.getByRole('heading', { level: 1, name: 'Gladiator II' }).waitFor();
    await page.getByText('148 min', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Top cast' }).getByText('Paul Mescal').waitFor();
    expect(await page.getByRole('link', { name: /Watch the trailer on YouTube/ }).getAttribute('href')).toMatch(
      /^https:\/\/www\.youtube\.com\/watch\?v=[\w-]+$/,
    );
    await page.getByRole('region', { name: 'Recommended' }).getByRole('listitem').first().waitFor();
    await page.getByRole('region', { name: 'Similar titles' }).getByRole('listitem').first().waitFor();
    await page.getByRole('button', { name: 'Request Gladiator II' }).click();
    await page.getByRole('region', { name: 'Your request' }).getByText('Pending approval', { exact: true }).waitFor();
    await shot(page, 'title-movie', 'desktop');

    // A show's page: every season with where it stands; carol requests the missing season 2.
    await page.goto('/discover');
    await page.getByRole('region', { name: 'Trending' }).getByRole('link', { name: 'The Last of Us', exact: true }).click();
    await page.waitForURL('**/tv/100088');
    await page.getByRole('heading', { level: 1, name: 'The Last of Us' }).waitFor();
    const seasons = page.getByRole('region', { name: 'Seasons' });
    await seasons.getByRole('listitem').filter({ hasText: 'Season 1' }).getByText('Available', { exact: true }).waitFor();
    expect(await seasons.getByRole('checkbox').count()).toBe(1);
    await seasons.getByText('6 of 6 left').waitFor();
    expect(await page.getByRole('link', { name: 'Play The Last of Us on Plex' }).getAttribute('href')).toContain(
      '%2Flibrary%2Fmetadata%2F3102',
    );
    await seasons.getByRole('checkbox', { name: /Season 2/ }).check();
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/media/requests') && r.request().method() === 'POST');
    await seasons.getByRole('button', { name: 'Request 1 season' }).click();
    expect((await created).status()).toBe(201);
    await seasons.getByText('Requested season 2.').waitFor();
    await seasons.getByRole('listitem').filter({ hasText: 'Season 2' }).getByText('Pending approval', { exact: true }).waitFor();
    await seasons.getByText('Every season is in Plex or has been requested.').waitFor();
    const asked = upstreams.overseerr.requestsTo('/api/v1/request', 'POST').at(-1)!;
    expect(asked.body).toMatchObject({ mediaType: 'tv', mediaId: 100088, seasons: [2] });
    expect(asked.headers['x-api-user']).toBe(String(carolId));
    await shot(page, 'title-tv', 'desktop');

    // The same pages on a phone.
    const phone = await newContext(PHONE, await desktop.storageState());
    await desktop.close();
    await shootTitlePages(await phone.newPage(), 'phone', ['Discover', 'Gladiator II', 'The Last of Us']);
    await phone.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('speaks German in a German browser, and the longer words fit at desktop and phone widths', async () => {
    await carol();
    const pages = [
      ['/', 'Übersicht'],
      ['/discover?q=matrix', 'Entdecken'],
      ['/requests', 'Meine Anfragen'],
      ['/library', 'Mediathek'],
      ['/status', 'Dienststatus'],
      ['/problems', 'Meine Problemmeldungen'],
      ['/notifications', 'Benachrichtigungen'],
      ['/account', 'Dein Konto'],
      ['/admin', 'Verwaltung'],
      ['/admin/users', 'Benutzer'],
      ['/admin/ops', 'Betrieb'],
    ] as const;
    for (const [width, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const context = await newContext(viewport, undefined, 'de-DE');
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByRole('heading', { level: 1, name: 'Anmelden', exact: true }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
      await shot(page, 'de-login', width);
      await signIn(page, 'admin', ADMIN_PASSWORD, 'de');
      for (const [url, heading] of pages) {
        await page.goto(url);
        await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
        await shot(page, `de-${url === '/' ? 'dashboard' : url.slice(1).replace(/[/?=]/g, '-')}`, width);
        await expectNoWiderThanWindow(page, width, url);
      }
      if (width === 'desktop') await headerFoldsAndUnfolds(page);
      // The administrator has no Overseerr user: Discover and a title page say so, and what to do, in German.
      for (const [name, url, heading] of [
        ['de-discover-not-linked', '/discover', 'Entdecken'],
        ['de-title-not-linked', '/movie/558449', 'Film'],
      ] as const) {
        await page.goto(url);
        await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
        const notice = page.getByRole('status').filter({ hasText: 'Dein Konto ist noch mit keinem Overseerr-Benutzer verknüpft' });
        await notice.getByText('meldest du dich mit deinem Plex-Konto an', { exact: false }).waitFor();
        expect(await page.getByRole('button', { name: 'Erneut versuchen' }).count(), url).toBe(0);
        await shot(page, name, width);
        await expectNoWiderThanWindow(page, width, url);
      }
      await context.close();

      // Discover's rows and the title pages as a household member sees them, in German.
      const member = await newContext(viewport, undefined, 'de-DE');
      const memberPage = await member.newPage();
      await signIn(memberPage, 'carol', 'carol-password', 'de');
      await shootTitlePages(memberPage, width, ['Entdecken', 'Gladiator II', 'The Last of Us'], 'de-');
      await member.close();
    }
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
