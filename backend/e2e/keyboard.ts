/**
 * Keyboard-only use of a page in the browser tests: moving with Tab /
 * Shift+Tab until a given control has focus, checking at every stop that the
 * focus is visible (an outline of at least 2 px whose colour has 3:1 contrast
 * against what surrounds it, WCAG 1.4.11 and 2.4.7), and that Tab can leave
 * every part of the page (no keyboard trap, 2.1.2).
 */
import type { Page } from 'playwright-core';

export interface Focused {
  /** `button "Request Inception"`, `body` when nothing has focus. */
  label: string;
  tag: string;
  outlineWidth: number;
  outlineStyle: string;
  /** Contrast of the focus outline against the background around the element. */
  contrast: number;
}

/** Runs in the page: the focused element and its focus ring. */
function describeFocus(): Focused {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return { label: 'body', tag: 'body', outlineWidth: 0, outlineStyle: 'none', contrast: 0 };
  const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  const rgba = (css: string): [number, number, number, number] => {
    canvas.clearRect(0, 0, 1, 1);
    canvas.fillStyle = '#000';
    canvas.fillStyle = css;
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data;
    return [r!, g!, b!, a! / 255];
  };
  // What is drawn behind the ring: the ancestors' backgrounds, composited from the page down.
  const layers: string[] = [];
  for (let node = el.parentElement; node; node = node.parentElement) layers.push(getComputedStyle(node).backgroundColor);
  let back: [number, number, number] = [255, 255, 255];
  for (const layer of layers.reverse()) {
    const [r, g, b, a] = rgba(layer);
    back = [r * a + back[0] * (1 - a), g * a + back[1] * (1 - a), b * a + back[2] * (1 - a)];
  }
  const style = getComputedStyle(el);
  const [r, g, b] = rgba(style.outlineColor);
  const luminance = ([x, y, z]: number[]) => {
    const [lr, lg, lb] = [x!, y!, z!].map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lr! + 0.7152 * lg! + 0.0722 * lb!;
  };
  const [hi, lo] = [luminance([r, g, b]), luminance(back)].sort((p, q) => q - p);
  const name = (el.getAttribute('aria-label') ?? el.textContent ?? (el as HTMLInputElement).value ?? '').replace(/\s+/g, ' ').trim();
  const role = el.getAttribute('role') ?? el.tagName.toLowerCase();
  return {
    label: `${role}${el.id && !name ? `#${el.id}` : ''} "${name.slice(0, 60)}"`,
    tag: el.tagName.toLowerCase(),
    outlineWidth: Number.parseFloat(style.outlineWidth) || 0,
    outlineStyle: style.outlineStyle,
    contrast: (hi! + 0.05) / (lo! + 0.05),
  };
}

export function focused(page: Page): Promise<Focused> {
  return page.evaluate(describeFocus);
}

/** Throws unless something has focus and shows a ring of at least 2 px with 3:1 contrast. */
export async function expectVisibleFocus(page: Page, step: string): Promise<Focused> {
  return visibleFocus(await focused(page), step);
}

/** The same check on one reading of the focus (read twice, an element could be gone in between). */
function visibleFocus(f: Focused, step: string): Focused {
  if (f.tag === 'body') throw new Error(`${step}: focus was lost (nothing has focus)`);
  if (f.outlineStyle === 'none' || f.outlineWidth < 2) {
    throw new Error(`${step}: no visible focus ring on ${f.label} (outline ${f.outlineStyle} ${f.outlineWidth}px)`);
  }
  if (f.contrast < 3) throw new Error(`${step}: the focus ring on ${f.label} has contrast ${f.contrast.toFixed(2)}:1 (needs 3:1)`);
  return f;
}

/**
 * Presses Tab (or Shift+Tab) until the focused element's label matches, checking a visible
 * focus at every stop; throws with the stops it made when it never gets there.
 */
export async function tabTo(page: Page, target: RegExp, options: { back?: boolean; max?: number } = {}): Promise<Focused> {
  const stops: string[] = [];
  for (let i = 0; i < (options.max ?? 60); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    stops.push(f.label);
    if (f.tag === 'body') continue;
    visibleFocus(f, `Tab to ${target} (after ${stops.join(', ')})`);
    if (target.test(f.label)) return f;
  }
  throw new Error(`Tab never reached ${target}; it stopped at:\n  ${stops.join('\n  ')}`);
}

/**
 * Tabs forward from where focus is until it comes round to the same element again (through the
 * end of the page): a part of the page that holds focus in a loop never lets it come back.
 */
export async function expectNoTrap(page: Page, max = 150): Promise<string[]> {
  const start = (await focused(page)).label;
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.label === start && stops.length > 0) return stops;
    stops.push(f.label);
  }
  throw new Error(
    `focus never came back to ${start} after ${max} Tabs (a keyboard trap?); the last stops:\n  ${stops.slice(-12).join('\n  ')}`,
  );
}
