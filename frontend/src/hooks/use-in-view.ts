/**
 * Whether an element is within `rootMargin` of the viewport (or of a
 * scrolling `root`), for loading a row as it scrolls into view and paging a
 * row in as its end comes near. `once`: stays true after the first sight.
 * Without IntersectionObserver (old browsers, jsdom) it is in view at once.
 */
import { useEffect, useState } from 'react';

export function useInView<T extends Element>(options: { rootMargin?: string; root?: Element | null; once?: boolean } = {}) {
  const { rootMargin = '0px', root = null, once = false } = options;
  const [element, ref] = useState<T | null>(null);
  const [inView, setInView] = useState(false);
  useEffect(() => {
    if (!element) return;
    if (typeof IntersectionObserver === 'undefined') {
      setInView(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        const visible = entries.some((e) => e.isIntersecting);
        if (visible && once) observer.disconnect();
        if (visible || !once) setInView(visible);
      },
      { root, rootMargin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [element, root, rootMargin, once]);
  return { ref, inView };
}
