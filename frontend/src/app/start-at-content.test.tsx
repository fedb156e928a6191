/**
 * A page change puts a keyboard or screen-reader user at the start of the new page's content: the focus on
 * <main>, the window at the top. The focus moves only once the new page is on screen, never while the old
 * one still shows (a Tab in between would land on a link about to vanish), and not on the first page shown.
 */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryRouter, Link, Outlet, RouterProvider } from 'react-router-dom';
import { useStartAtContentOnPageChange } from './start-at-content';

function Frame() {
  useStartAtContentOnPageChange();
  return (
    <>
      <nav>
        <Link to="/">Home</Link> <Link to="/discover">Discover</Link>
      </nav>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

function renderApp() {
  const router = createMemoryRouter(
    [
      {
        element: <Frame />,
        children: [
          { path: '/', element: <h1>Home page</h1> },
          { path: '/discover', element: <h1>Discover page</h1> },
        ],
      },
    ],
    { initialEntries: ['/'] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

afterEach(() => vi.restoreAllMocks());

describe('a page change', () => {
  it('moves the focus to <main> once the new page is shown, and scrolls to the top', async () => {
    const scrolled = vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
    renderApp();
    await screen.findByRole('heading', { name: 'Home page' });
    expect(document.activeElement).toBe(document.body);
    expect(scrolled).not.toHaveBeenCalled();

    // What the page showed at the moment the focus arrived on <main>.
    const shownWhenFocused: string[] = [];
    document.getElementById('main')!.addEventListener('focus', () => {
      shownWhenFocused.push(document.querySelector('h1')?.textContent ?? '');
    });
    await userEvent.click(screen.getByRole('link', { name: 'Discover' }));
    await screen.findByRole('heading', { name: 'Discover page' });
    expect(document.activeElement).toBe(document.getElementById('main'));
    expect(shownWhenFocused).toEqual(['Discover page']);
    expect(scrolled).toHaveBeenCalledWith(0, 0);
  });

  it('leaves the focus alone when only the query changes (a search, a page of results)', async () => {
    vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
    const router = renderApp();
    await userEvent.click(await screen.findByRole('link', { name: 'Discover' }));
    const link = screen.getByRole('link', { name: 'Home' });
    link.focus();
    await router.navigate('/discover?q=inception');
    expect(document.activeElement).toBe(link);
  });
});
