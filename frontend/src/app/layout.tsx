/**
 * The signed-in frame: skip link, header with the navigation, the user's name
 * and Sign out (folded into a Menu button whenever they do not fit in one row,
 * measured in the page's language), and <main> with the announcement and
 * maintenance banners above the page.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { StatusBanners } from '../components/status-banners';
import { useFoldWhenFull } from '../hooks/use-fold-when-full';
import { useStartAtContentOnPageChange } from './start-at-content';
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

/** The menu: open or closed, closed again on every page change, when the header unfolds and on Escape (focus back on its button). */
function useMenu(folded: boolean) {
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [location.pathname, folded]);
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

type NavLinkSpec = (typeof LINKS)[number] | typeof ADMIN_LINK;

/** The navigation links, then the member's name (their account page) and Sign out. */
function SiteNav({ id, open, links, name }: { id: string; open: boolean; links: readonly NavLinkSpec[]; name: string }) {
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
          {name}
        </NavLink>
        <button type="button" className="button button-small button-quiet" onClick={onSignOut} disabled={signingOut}>
          {signingOut ? t('signingOut') : t('signOut')}
        </button>
      </div>
    </nav>
  );
}

export function AppLayout() {
  useStartAtContentOnPageChange();
  const { t } = useTranslation('nav');
  const user = useUser();
  const links = user.role === 'admin' ? [...LINKS, ADMIN_LINK] : LINKS;
  const name = user.plexUsername ?? user.username;
  const header = useFoldWhenFull<HTMLDivElement>('folded', [...links.map((l) => t(`links.${l.label}`)), name, t('signOut')].join('\n'));
  const menu = useMenu(header.folded);
  const navId = useId();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="site-header">
        <div ref={header.ref} className={header.folded ? 'header-bar folded' : 'header-bar'}>
          <NavLink to="/" className="brand" end>
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>MediaNest</span>
          </NavLink>
          {header.folded && (
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
          )}
          <SiteNav id={navId} open={menu.open} links={links} name={name} />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <StatusBanners />
        <Outlet />
      </main>
    </>
  );
}
