/**
 * The signed-in frame: skip link, header with the navigation (a menu button
 * on narrow screens), the user's name and Sign out, and <main> with the
 * announcement and maintenance banners above the page.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { StatusBanners } from '../components/status-banners';
import { useSession, useUser } from './session';
import './layout.css';

const LINKS = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/discover', label: 'Discover', end: false },
  { to: '/requests', label: 'Requests', end: false },
  { to: '/library', label: 'Library', end: false },
  { to: '/status', label: 'Status', end: false },
  { to: '/problems', label: 'Problems', end: false },
  { to: '/notifications', label: 'Notifications', end: false },
];

export function AppLayout() {
  const user = useUser();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const navId = useId();

  const menuButton = useRef<HTMLButtonElement>(null);

  // Close the phone menu whenever the page changes, and on Escape (focus back on its button).
  useEffect(() => setMenuOpen(false), [location.pathname]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
      void navigate('/login', { replace: true });
    }
  };

  const links = user.role === 'admin' ? [...LINKS, { to: '/admin', label: 'Admin', end: false }] : LINKS;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-bar">
          <NavLink to="/" className="brand" end>
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>MediaNest</span>
          </NavLink>
          <button
            ref={menuButton}
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <nav id={navId} className={menuOpen ? 'site-nav open' : 'site-nav'} aria-label="Main">
            <ul>
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink to={link.to} end={link.end}>
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
            <div className="user-box">
              <NavLink to="/account" className="user-name" title={user.email ? `Your account (${user.email})` : 'Your account'}>
                {user.plexUsername ?? user.username}
              </NavLink>
              <button type="button" className="button button-small button-quiet" onClick={onSignOut} disabled={signingOut}>
                {signingOut ? 'Signing out…' : 'Sign out'}
              </button>
            </div>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <StatusBanners />
        <Outlet />
      </main>
    </>
  );
}
