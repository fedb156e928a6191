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

let stack: BrowserStack;
const contexts = {} as Record<Visitor, BrowserContext>;
let seeded: SeededPages;

/** Waits until the page shows its <h1> and nothing on it is still loading. */
async function settled(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
}

/** alice (signed in with Plex) requests a movie; the admin makes a one-time password link for a new member. */
async function seed(): Promise<SeededPages> {
  const member = await contexts.member.newPage();
  await signInWithPlex(stack, member, ALICE_PLEX_TOKEN);
  const created = await member.request.post('/api/v1/media/requests', { data: { mediaType: 'movie', tmdbId: 605 } });
  expect(created.status()).toBe(201);
  const { request } = (await created.json()) as { request: { id: number } };
  await member.close();

  const admin = await contexts.admin.newPage();
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
    for (const visitor of ['anonymous', 'member', 'admin'] as const) contexts[visitor] = await stack.context();
    seeded = await seed();
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('audits every page of the web app (a route left out of the list fails here)', () => {
    expect(unaudited(auditedPages(seeded))).toEqual([]);
  });

  // One test per visitor, so each reports on its own pages (the whole audit takes minutes on a busy machine).
  for (const visitor of ['anonymous', 'member', 'admin'] as const) {
    it(`finds no serious or critical violation on the ${visitor}'s pages, at both widths, in light and dark`, async () => {
      const pages = Object.entries(auditedPages(seeded)).filter(([, p]) => p.visitor === visitor);
      const findings: Finding[] = [];
      for (const [template, { path: address }] of pages) {
        const page = await contexts[visitor].newPage();
        for (const width of ['desktop', 'phone'] as Width[]) {
          await page.setViewportSize(VIEWPORTS[width]);
          await page.goto(address);
          await settled(page);
          // Every rule in the light scheme; in the dark one, the rules colours decide (markup and layout are the same).
          await page.emulateMedia({ colorScheme: 'light' });
          findings.push(...(await audit(page, `${template} (${address}) ${width} light`)));
          await page.emulateMedia({ colorScheme: 'dark' });
          findings.push(...(await audit(page, `${template} (${address}) ${width} dark`, COLOUR_RULES)));
          await shot(page, `dark-${screenshotName(template)}`, width);
          // Reflow (WCAG 1.4.10): on a phone nothing is wider than the screen, so nobody scrolls sideways to read.
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          if (width === 'phone' && wide > VIEWPORTS.phone.width) {
            findings.push({
              where: `${template} (${address}) phone`,
              rule: 'reflow',
              impact: 'serious',
              help: `${wide} px wide`,
              targets: [],
            });
          }
          progress(`${template} ${width}: ${findings.length} findings so far`);
        }
        await page.close();
      }
      fs.writeFileSync(path.join(path.dirname(SCREENSHOTS), `accessibility-audit-${visitor}.txt`), `${formatFindings(findings)}\n`);
      if (findings.length > 0) throw new Error(`${findings.length} accessibility violations:\n${formatFindings(findings)}`);
      expect(stack.pageErrors).toEqual([]);
    }, 900_000);
  }

  it('reports what it is shown: faint text and an unlabelled field fail, by rule id and element', async () => {
    const page = await contexts.anonymous.newPage();
    await page.goto('/login');
    await settled(page);
    await page.evaluate(() =>
      document
        .querySelector('main')!
        .insertAdjacentHTML('beforeend', '<p id="faint" style="color:#c8c8c8;background:#fff">Faint</p><input id="unlabelled">'),
    );
    const findings = await audit(page, 'seeded');
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['color-contrast', 'label']));
    expect(formatFindings(findings)).toMatch(/^seeded: color-contrast \[serious\] .*\n {4}#faint \(/m);
    await page.close();
  }, 60_000);

  it('runs no animation or transition when the system asks for reduced motion', async () => {
    const running = async (reducedMotion: 'reduce' | 'no-preference') => {
      const page = await contexts.member.newPage();
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
