/**
 * Every page usable by screen reader and keyboard (issue 23 E), in Debian's
 * Chromium: axe-core audits every page of the web app — signed out, as a
 * member and as an administrator, the 404 page included — at desktop
 * (1280×800) and phone (390×844) width, in the light and the dark scheme
 * (`prefers-color-scheme`; every rule in light, the colour rules in dark,
 * where only colours differ), and the test fails on any serious or critical
 * violation (and any landmark or heading-order one) with the list of rule
 * ids, elements and pages, also written to artifacts/accessibility-audit-<visitor>.txt;
 * at phone width no page may be wider than the screen (reflow).
 * The pages come from the web app's route templates (audited-pages.ts), so a
 * new page cannot be left out. Each page is saved in the dark scheme as
 * artifacts/screenshots/dark-<page>-<width>.png.
 *
 * Each visitor has one signed-in context per width, and the two widths are
 * audited side by side (axe keeps one core busy, so two tabs use both); the
 * scheme is switched on the loaded page, not by loading it again.
 *
 * `prefers-reduced-motion: reduce` stops every animation and transition:
 * a page still loading (its skeletons pulse otherwise) runs none.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, COLOUR_RULES, formatFindings, type Finding } from './axe-audit';
import { auditedPages, screenshotName, unaudited, type SeededPages, type Visitor } from './audited-pages';
import {
  SCREENSHOTS,
  shot,
  signInAsAdmin,
  signInWithPlex,
  startBrowserStack,
  VIEWPORTS,
  type BrowserStack,
  type Width,
} from './browser-harness';

const ALICE_PLEX_TOKEN = 'a11y-plex-token-alice';

/** One line per audited page on stderr: the audit takes minutes, and this shows how far it got. */
function progress(line: string): void {
  process.stderr.write(`[accessibility] ${line}\n`);
}

const VISITORS = ['anonymous', 'member', 'admin'] as const;
const WIDTHS = ['desktop', 'phone'] as const;

let stack: BrowserStack;
/** Per visitor, one context per width (signed in as that visitor), reused for all of their pages. */
const contexts = {} as Record<Visitor, Record<Width, BrowserContext>>;
let seeded: SeededPages;

/** Waits until the page shows its <h1> and nothing on it is still loading. */
async function settled(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
}

/**
 * Audits the page on screen as it is loaded: every rule in the light scheme; in the dark one (switched on the same
 * page: markup and layout are the same) the rules colours decide, and a screenshot when `screenshot` names one; at
 * phone width, reflow (WCAG 1.4.10): nothing is wider than the screen, so nobody scrolls sideways to read.
 */
async function auditScreen(page: Page, where: string, width: Width, screenshot?: string): Promise<Finding[]> {
  await page.emulateMedia({ colorScheme: 'light' });
  const findings = await audit(page, `${where} light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  findings.push(...(await audit(page, `${where} dark`, COLOUR_RULES)));
  if (screenshot) await shot(page, screenshot, width);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width === 'phone' && wide > VIEWPORTS.phone.width) {
    findings.push({ where, rule: 'reflow', impact: 'serious', help: `${wide} px wide`, targets: [] });
  }
  return findings;
}

/** alice (signed in with Plex) requests a movie; the admin makes a one-time password link for a new member. */
async function seed(): Promise<SeededPages> {
  const member = await contexts.member.desktop.newPage();
  await signInWithPlex(stack, member, ALICE_PLEX_TOKEN);
  const created = await member.request.post('/api/v1/media/requests', { data: { mediaType: 'movie', tmdbId: 605 } });
  expect(created.status()).toBe(201);
  const { request } = (await created.json()) as { request: { id: number } };
  await member.close();

  const admin = await contexts.admin.desktop.newPage();
  await signInAsAdmin(admin);
  const user = await admin.request.post('/api/v1/admin/users', { data: { username: 'dora', role: 'user' } });
  expect(user.status()).toBe(201);
  const link = new URL(((await user.json()) as { resetLink: { url: string } }).resetLink.url);
  await admin.close();
  return { requestId: request.id, resetPath: `${link.pathname}${link.hash}`, libraryKey: '1' };
}

describe('accessibility of every page in Chromium', () => {
  beforeAll(async () => {
    stack = await startBrowserStack([ALICE_PLEX_TOKEN]);
    for (const visitor of VISITORS)
      contexts[visitor] = { desktop: await stack.context({ viewport: VIEWPORTS.desktop }) } as Record<Width, BrowserContext>;
    seeded = await seed();
    // The phone contexts carry the desktop ones' sessions.
    for (const visitor of VISITORS) {
      contexts[visitor].phone = await stack.context({
        viewport: VIEWPORTS.phone,
        storageState: await contexts[visitor].desktop.storageState(),
      });
    }
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('audits every page of the web app (a route left out of the list fails here)', () => {
    expect(unaudited(auditedPages(seeded))).toEqual([]);
  });

  // One test per visitor, so each reports on its own pages (the whole audit takes minutes on a busy machine).
  for (const visitor of VISITORS) {
    it(`finds no serious or critical violation on the ${visitor}'s pages, at both widths, in light and dark`, async () => {
      const pages = Object.entries(auditedPages(seeded)).filter(([, p]) => p.visitor === visitor);
      const auditWidth = async (width: Width): Promise<Finding[]> => {
        const page = await contexts[visitor][width].newPage();
        const findings: Finding[] = [];
        for (const [template, { path: address }] of pages) {
          await page.goto(address);
          await settled(page);
          findings.push(...(await auditScreen(page, `${template} (${address}) ${width}`, width, `dark-${screenshotName(template)}`)));
          progress(`${template} ${width}: ${findings.length} findings so far`);
        }
        await page.close();
        return findings;
      };
      const findings = (await Promise.all(WIDTHS.map(auditWidth))).flat();
      fs.writeFileSync(path.join(path.dirname(SCREENSHOTS), `accessibility-audit-${visitor}.txt`), `${formatFindings(findings)}\n`);
      if (findings.length > 0) throw new Error(`${findings.length} accessibility violations:\n${formatFindings(findings)}`);
      expect(stack.pageErrors).toEqual([]);
    }, 900_000);
  }

  it('reports what it is shown: faint text, an unlabelled field, text faint only in the dark scheme and a page wider than a phone fail', async () => {
    const page = await contexts.anonymous.phone.newPage();
    await page.goto('/login');
    await settled(page);
    // Beside the page's heading (in the sign-in card), where the page's own content goes.
    await page.evaluate(() =>
      document
        .querySelector('main h1')!
        .parentElement!.insertAdjacentHTML(
          'beforeend',
          '<style>@media (prefers-color-scheme: dark) { #dim { color: #404040 !important; background: #000 !important } }</style>' +
            '<p id="faint" style="color:#c8c8c8;background:#fff">Faint</p><input id="unlabelled">' +
            '<p id="dim" style="color:#000;background:#fff">Dim at night</p><div id="wide" style="min-width:900px">Wide</div>',
        ),
    );
    // The same audit of a loaded page as every page gets above.
    const findings = await auditScreen(page, 'seeded', 'phone');
    expect(findings.map((f) => `${f.where} ${f.rule}`)).toEqual(
      expect.arrayContaining(['seeded light color-contrast', 'seeded light label', 'seeded dark color-contrast', 'seeded reflow']),
    );
    expect(formatFindings(findings)).toMatch(/^seeded light: color-contrast \[serious\] .*\n {4}#faint \(/m);
    const contrast = (scheme: string) =>
      findings.find((f) => f.where === `seeded ${scheme}` && f.rule === 'color-contrast')!.targets.join('\n');
    expect(contrast('light')).not.toMatch(/^#dim /m);
    expect(contrast('dark')).toMatch(/^#dim /m);
    await page.close();
  }, 60_000);

  it('runs no animation or transition when the system asks for reduced motion', async () => {
    const running = async (reducedMotion: 'reduce' | 'no-preference') => {
      const page = await contexts.member.desktop.newPage();
      await page.emulateMedia({ reducedMotion });
      // Hold the list back so its loading skeletons stay on screen.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(
        (url) => url.pathname === '/api/v1/media/requests',
        async (route) => {
          await held;
          await route.continue();
        },
      );
      await page.goto('/requests');
      await page.locator('[aria-busy="true"] .skeleton').first().waitFor();
      const animations = await page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
      release();
      await settled(page);
      await page.close();
      return animations;
    };
    expect(await running('no-preference')).toBeGreaterThan(0);
    expect(await running('reduce')).toBe(0);
  }, 60_000);
});
