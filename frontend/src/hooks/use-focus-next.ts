/**
 * Keeps keyboard focus with the member when the control they used goes away (a Request button replaced by
 * its outcome, a form that closes): call `moveFocus()` when the change is made, and give `target` as the
 * `ref` of the element that takes the control's place; it gets focus as soon as it appears. Without it the
 * focus falls back to the top of the page and a keyboard or screen-reader user loses their place.
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
