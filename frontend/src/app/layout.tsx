/**
 * The signed-in frame: skip link, header with the navigation (a menu button
 * on narrow screens), the user's name and Sign out, and <main> with the
 * announcement and maintenance banners above the page.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { StatusBanners } from '../components/status-banners';
import { useSession, useUser } from './session';
import './layout.css';

const LINKS = [
  { to: '/', label: 'dashboard', end: true },
  { to: '/discover', label: 'discover', end: false },
  { to: '/requests', label: 'requests', end: false },
  { to: '/library', label: 'library', end: false },
  { to: '/status', label: 'status', end: false },
  { to: '/problems', label: 'problems', end: false },
  { to: '/notifications', label: 'notifications', end: false },
] as const;
const ADMIN_LINK = { to: '/admin', label: 'admin', end: false } as const;

/** The phone menu: open or closed, closed again on every page change and on Escape (focus back on its button). */
function usePhoneMenu() {
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return { open, button, toggle: () => setOpen((o) => !o) };
}

/** The navigation links, then the member's name (their account page) and Sign out. */
function SiteNav({ id, open }: { id: string; open: boolean }) {
  const { t } = useTranslation('nav');
  const user = useUser();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);
  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
      void navigate('/login', { replace: true });
    }
  };
  const links = user.role === 'admin' ? [...LINKS, ADMIN_LINK] : LINKS;
  return (
    <nav id={id} className={open ? 'site-nav open' : 'site-nav'} aria-label={t('mainLabel')}>
      <ul>
        {links.map((link) => (
          <li key={link.to}>
            <NavLink to={link.to} end={link.end}>
              {t(`links.${link.label}`)}
            </NavLink>
          </li>
        ))}
      </ul>
      <div className="user-box">
        <NavLink to="/account" className="user-name" title={user.email ? t('yourAccountEmail', { email: user.email }) : t('yourAccount')}>
          {user.plexUsername ?? user.username}
        </NavLink>
        <button type="button" className="button button-small button-quiet" onClick={onSignOut} disabled={signingOut}>
          {signingOut ? t('signingOut') : t('signOut')}
        </button>
      </div>
    </nav>
  );
}

export function AppLayout() {
  const { t } = useTranslation('nav');
  const menu = usePhoneMenu();
  const navId = useId();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="site-header">
        <div className="header-bar">
          <NavLink to="/" className="brand" end>
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>MediaNest</span>
          </NavLink>
          <button
            ref={menu.button}
            type="button"
            className="menu-button"
            aria-expanded={menu.open}
            aria-controls={navId}
            onClick={menu.toggle}
          >
            {t('menu')}
          </button>
          <SiteNav id={navId} open={menu.open} />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <StatusBanners />
        <Outlet />
      </main>
    </>
  );
}
