/**
 * Keeps keyboard focus with the member when the control they used goes away (a Request button replaced by
 * its outcome, a form that closes, a row removed): call `moveFocus()` when the change is made, and give
 * `target` as the `ref` of the element that takes the control's place; it gets focus as soon as it appears.
 * Without it the focus falls back to the top of the page and a keyboard or screen-reader user loses their place.
 */
import { useCallback, useRef } from 'react';

export function useFocusNext() {
  const pending = useRef(false);
  const target = useCallback((element: HTMLElement | null) => {
    if (!element || !pending.current) return;
    pending.current = false;
    element.focus();
  }, []);
  const moveFocus = useCallback(() => {
    pending.current = true;
  }, []);
  return { moveFocus, target };
}

/**
 * The browser's confirmation dialog before the action of `button`: true when the member confirms. Dismissed,
 * the focus goes back on the button (not every browser puts it back after the dialog), so the member carries
 * on where they were; after a confirmed action the caller moves the focus on with `useFocusNext`.
 */
export function confirmFrom(button: HTMLElement | null, question: string): boolean {
  if (window.confirm(question)) return true;
  button?.focus();
  return false;
}
