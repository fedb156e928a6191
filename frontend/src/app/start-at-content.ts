import { useLayoutEffect, useRef } from 'react';
import { useLocation } from 'react-router-dom';

/**
 * On a page change inside the signed-in app, scroll to the top and move the focus to <main>, so keyboard
 * and screen-reader users start at the new page's content. Not on the first page the app shows (a load,
 * or signing in): there the first Tab reaches "Skip to content", as on any page just opened. In a layout
 * effect of the commit that shows the new page (its own effects have run, nothing is painted yet): moved
 * any earlier, as a frame after the address changed was, a busy browser could still show the old page,
 * and a Tab then landed on a link about to vanish.
 */
export function useStartAtContentOnPageChange() {
  const { pathname } = useLocation();
  const shown = useRef(pathname);
  useLayoutEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
}
