/**
 * One member's evening with the keyboard alone (issue 23 E), in Debian's
 * Chromium: no mouse click in the web app, only Tab, Shift+Tab, Enter, Space,
 * arrows and Escape. alice signs in with Plex, skips to the content, goes to
 * Discover, searches, requests a title, follows it on its page (the screen
 * reader's live region announces each status change) until it is in Plex,
 * and reports a problem with it. Every stop of the focus must show a visible
 * ring (keyboard.ts), and Tab must come round the whole page (no trap); the
 * phone menu opens and closes from the keyboard and gives the focus back.
 *
 * A second journey opens a show's title page from its search result and
 * requests a season there, keyboard only.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../test/fakes/fake-overseerr';
import { DESKTOP, PHONE, shot, signInWithPlex, startBrowserStack, type BrowserStack } from './browser-harness';
import { expectNoTrap, expectVisibleFocus, focused, tabTo } from './keyboard';

const ALICE_PLEX_TOKEN = 'keyboard-plex-token-alice';

let stack: BrowserStack;

const isFocused = (page: Page, selector: string) => page.locator(selector).evaluate((el) => el === document.activeElement);

describe('a member journey with the keyboard alone, in Chromium', () => {
  beforeAll(async () => {
    stack = await startBrowserStack([ALICE_PLEX_TOKEN]);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('signs in, searches, requests, follows the request and reports a problem without the mouse', async () => {
    const { upstreams, server } = stack;
    const context = await stack.context({ viewport: DESKTOP });
    const page = await context.newPage();

    // Sign in: Tab to "Sign in with Plex", Enter.
    await signInWithPlex(stack, page, ALICE_PLEX_TOKEN);

    // From the top of the page: the first Tab is the skip link, shown on screen; Tab comes round the whole page.
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect((await tabTo(page, /Skip to content/, { max: 1 })).label).toMatch(/^a "Skip to content"/);
    expect((await page.getByRole('link', { name: 'Skip to content' }).boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);
    expect((await expectNoTrap(page)).length).toBeGreaterThan(8);
    await page.keyboard.press('Enter');
    expect(await isFocused(page, 'main')).toBe(true);

    // Discover, through the header (back with Shift+Tab), then search.
    await tabTo(page, /^a "Discover"/, { back: true });
    // The page change starts the focus at the new page's content.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Discover' }).waitFor();
    expect(await isFocused(page, 'main')).toBe(true);
    await tabTo(page, /^input/);
    await page.keyboard.type('inception');
    await page.keyboard.press('Enter');
    const inception = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Inception' }) });
    await inception.waitFor();

    // Request it with Space; the focus moves on to the request it made.
    await tabTo(page, /^button "Request Inception"/);
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/media/requests') && r.request().method() === 'POST');
    await page.keyboard.press('Space');
    const { request } = (await (await created).json()) as { request: { id: number; overseerrId: number } };
    await inception.getByText('Pending approval', { exact: true }).waitFor();
    expect((await expectVisibleFocus(page, 'after requesting')).label).toBe('a "View request"');
    await shot(page, 'keyboard-requested', 'desktop');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/requests/${request.id}`);
    await page.getByRole('heading', { level: 1, name: 'Inception' }).waitFor();

    // Follow it: each status change is announced in the page's live region.
    const announced = page.locator('main [aria-live="polite"]');
    expect(await upstreams.overseerr.approve(request.overseerrId)).toBe(200);
    await expect.poll(() => announced.textContent()).toBe('“Inception” is now processing.');
    upstreams.overseerr.startDownload(request.overseerrId, { size: 2_000_000_000 });
    await server.container.requestSync.refreshProgress();
    await page.getByRole('progressbar', { name: 'Downloaded' }).waitFor();
    upstreams.overseerr.finishDownload(request.overseerrId);
    expect(await upstreams.overseerr.markAvailable(request.overseerrId)).toBe(200);
    await expect.poll(() => announced.textContent()).toBe('“Inception” is now available.');

    // Report a problem: Space opens the form and the focus goes into it; an arrow picks the kind.
    upstreams.overseerr.setPermissions(upstreams.overseerr.userId('alice@example.com'), Permission.REQUEST | Permission.CREATE_ISSUES);
    await tabTo(page, /^button "Report a problem"/);
    await page.keyboard.press('Space');
    const kind = page.getByLabel('What is wrong');
    expect(await kind.evaluate((el) => el === document.activeElement)).toBe(true);
    await expectVisibleFocus(page, 'the form opened');
    await page.keyboard.press('ArrowDown');
    expect(await kind.inputValue()).toBe('audio');
    await tabTo(page, /^textarea/, { max: 1 });
    await page.keyboard.type('The sound drifts out of sync after 20 minutes.');
    await tabTo(page, /^button "Send report"/, { max: 1 });
    const reported = page.waitForResponse((r) => r.url().endsWith('/api/v1/issues') && r.request().method() === 'POST');
    await page.keyboard.press('Enter');
    expect((await reported).status()).toBe(201);
    await page.getByRole('status').filter({ hasText: 'Reported.' }).waitFor();
    expect((await expectVisibleFocus(page, 'after reporting')).label).toMatch(/Reported\./);
    await shot(page, 'keyboard-reported', 'desktop');
    await tabTo(page, /^a "My problem reports"/, { max: 1 });
    await page.keyboard.press('Enter');
    await page.waitForURL('**/problems');
    const problem = page.locator('.problem-row').filter({ hasText: 'Inception' });
    await problem.getByText('Open', { exact: true }).waitFor();
    await tabTo(page, /^button "Conversation"/);
    await page.keyboard.press('Enter');
    await problem.getByText(/The sound drifts out of sync/).waitFor();
    expect((await focused(page)).label).toBe('button "Hide conversation"');

    // Backwards from the end of the page to the skip link: Shift+Tab is not trapped either.
    await tabTo(page, /Skip to content/, { back: true, max: 80 });
    await context.close();
    expect(stack.pageErrors).toEqual([]);
  }, 240_000);

  it("opens a show's page from its search result and requests a season there without the mouse", async () => {
    const context = await stack.context({ viewport: DESKTOP });
    const page = await context.newPage();
    await signInWithPlex(stack, page, ALICE_PLEX_TOKEN);
    await page.goto('/discover');
    await tabTo(page, /^input/);
    await page.keyboard.type('severance');
    await page.keyboard.press('Enter');
    await page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: 'Severance' }) })
      .waitFor();

    // Title page: Enter on the card's title link opens the show; season 1 is in Plex, season 2 can be requested.
    await tabTo(page, /^a "Severance"/);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/tv/95396');
    await page.getByRole('heading', { level: 1, name: 'Severance' }).waitFor();
    await tabTo(page, /^input#/);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).labels?.[0]?.textContent ?? '')).toMatch(/Season 2/);
    await page.keyboard.press('Space');
    await tabTo(page, /^button "Request 1 season"/);
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/media/requests') && r.request().method() === 'POST');
    await page.keyboard.press('Enter');
    expect((await created).status()).toBe(201);
    await page.getByText('Requested season 2.').waitFor();
    await expectVisibleFocus(page, 'after requesting a season');
    await shot(page, 'keyboard-title-season', 'desktop');
    await context.close();
    expect(stack.pageErrors).toEqual([]);
  }, 120_000);

  it('opens the phone menu with Enter, walks it with Tab and closes it with Escape, focus back on Menu', async () => {
    const context = await stack.context({ viewport: PHONE });
    const page = await context.newPage();
    await signInWithPlex(stack, page, ALICE_PLEX_TOKEN);
    const menu = page.getByRole('button', { name: 'Menu' });
    await tabTo(page, /^button "Menu"/, { back: true });
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    expect((await tabTo(page, /^a "Dashboard"/, { max: 1 })).label).toBe('a "Dashboard"');
    await tabTo(page, /^a "Discover"/, { max: 1 });
    await shot(page, 'keyboard-menu', 'phone');
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'hidden' });
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
    await expectVisibleFocus(page, 'menu closed');
    await context.close();
    expect(stack.pageErrors).toEqual([]);
  }, 120_000);
});
