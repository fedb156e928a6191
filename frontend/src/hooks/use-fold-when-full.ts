/**
 * Whether a bar's content, laid out in full, is wider than the room its
 * container gives it — for folding the header's navigation into its menu
 * exactly when it does not fit, whatever the language, the links and the name
 * shown, with no breakpoint to keep up to date. The full layout is the bar
 * without `foldedClass`: measuring drops that class for a moment, compares the
 * widths and puts it back, before the browser paints (in a layout effect, and
 * on a resize the update is flushed at once), so no page shows the wrong
 * layout first. Measures again when the container changes size (it is watched
 * rather than the bar, whose width follows the layout) and whenever `content`
 * (the text the bar shows) changes.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

function overflowsInFull(bar: HTMLElement, foldedClass: string): boolean {
  const folded = bar.classList.contains(foldedClass);
  bar.classList.remove(foldedClass);
  const room = bar.parentElement?.clientWidth ?? Infinity;
  const overflows = bar.scrollWidth > bar.clientWidth || bar.offsetWidth > room;
  bar.classList.toggle(foldedClass, folded);
  return overflows;
}

export function useFoldWhenFull<T extends HTMLElement>(foldedClass: string, content: string) {
  const ref = useRef<T>(null);
  const [folded, setFolded] = useState(false);
  useLayoutEffect(() => {
    if (ref.current) setFolded(overflowsInFull(ref.current, foldedClass));
  }, [foldedClass, content]);
  useEffect(() => {
    const bar = ref.current;
    const container = bar?.parentElement;
    if (!bar || !container || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => flushSync(() => setFolded(overflowsInFull(bar, foldedClass))));
    observer.observe(container);
    return () => observer.disconnect();
  }, [foldedClass]);
  return { ref, folded };
}
