/**
 * An accessibility audit of the page on screen with axe-core
 * (@axe-core/playwright): WCAG 2.0–2.2 A and AA plus axe's best practices,
 * colour contrast included. What fails the audit: any serious or critical
 * violation, and any violation of the page-structure rules (landmarks, one
 * <h1>, headings in order, a way past the header) whatever impact axe gives
 * it. Findings come back as a readable list: page, rule id, impact, what is
 * wrong and the elements concerned.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);
/** Structure a screen-reader user navigates by: failing whatever impact axe reports. */
const STRUCTURE_RULES = new Set([
  'bypass',
  'heading-order',
  'landmark-one-main',
  'landmark-no-duplicate-main',
  'landmark-unique',
  'page-has-heading-one',
  'region',
]);

export interface Finding {
  /** Which page, width and scheme, e.g. "/requests/:id desktop dark". */
  where: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The rules a change of colour scheme can change the outcome of (the rest depend on markup and layout only). */
export const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * Runs axe on the page as it is now (every rule of AXE_TAGS, or only `rules`); answers the findings that fail the audit.
 * Two settings make it several times faster without auditing less: axe runs in the page itself (legacy mode; the
 * default opens a blank page per run to put the results of every frame together, and the web app has no frames),
 * and it describes every element only of the violations (passing rules name one element each, not every one, which
 * on a page of posters was most of axe's time).
 */
export async function audit(page: Page, where: string, rules?: string[]): Promise<Finding[]> {
  const builder = new AxeBuilder({ page }).setLegacyMode().options({ resultTypes: ['violations'] });
  const results = await (rules ? builder.withRules(rules) : builder.withTags(AXE_TAGS)).analyze();
  const ran = [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable].map((r) => r.id);
  if (!ran.includes('color-contrast')) throw new Error(`axe did not run color-contrast on ${where}`);
  return results.violations
    .filter((v) => FAILING_IMPACTS.has(v.impact ?? '') || STRUCTURE_RULES.has(v.id))
    .map((v) => ({
      where,
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ').trim()})` : ''}`),
    }));
}

/** One block per finding: "where: rule [impact] help", then each element on its own line. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => [`${f.where}: ${f.rule} [${f.impact}] ${f.help}`, ...f.targets.slice(0, 8).map((t) => `    ${t}`)].join('\n'))
    .join('\n');
}
