import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.js';
import { Link, navigate } from '../router.js';
import { Mark } from '../ui/brand.js';
import { LanguageSwitch } from '../ui/language-switch.js';
import { mayOpen, SECTIONS, type Section } from './paths.js';
import { useSession } from './session.js';

/** Where a clerk works; the counter pages live beside the dashboard. */
export const COUNTER_PATH = '/counter';
const COLLAPSED_KEY = 'reservoir.nav.collapsed';

const NAV: Section[] = ['home', 'overview', 'channels', 'offers', 'members', 'orders', 'stores', 'staff', 'keys', 'settings'];

/** The frame of every signed-in page: the side navigation, and a top bar with who is signed in. */
export function Shell({ section, children }: { section: Section; children: ReactNode }) {
  const { t } = useTranslation();
  const me = useSession();
  const [open, setOpen] = useState(false); // the navigation drawer on narrow screens
  const [collapsed, setCollapsed] = useState(() => readFlag(COLLAPSED_KEY));
  useEffect(() => setOpen(false), [section]);
  useEffect(() => {
    if (!open) return;
    const close = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [open]);

  const toggleCollapsed = () => {
    setCollapsed((was) => {
      writeFlag(COLLAPSED_KEY, !was);
      return !was;
    });
  };
  const signOut = async () => {
    // Whatever the server says, this tab is done with the session.
    await api.signOut().catch(() => undefined);
    navigate('/signin', { replace: true, state: { notice: 'signed_out' } });
  };
  const name = me.staff?.name ?? t(`roles.${me.role}`);

  return (
    <div className={`dash${collapsed ? ' collapsed' : ''}${open ? ' nav-open' : ''}`}>
      <nav className="sidenav" id="sidenav" aria-label={t('nav.label')}>
        <div className="sidenav-brand">
          <Mark />
          <span className="nav-text">{t('app.name')}</span>
        </div>
        <ul>
          {NAV.filter((key) => mayOpen(me.role, key)).map((key) => (
            <li key={key}>
              <Link to={SECTIONS[key].path} className="nav-link" aria-current={key === section ? 'page' : undefined} title={t(`nav.${key}`)}>
                <NavIcon section={key} />
                <span className="nav-text">{t(`nav.${key}`)}</span>
              </Link>
            </li>
          ))}
          <li>
            {/* The counter is its own app (phone first), so an ordinary link. */}
            <a href={COUNTER_PATH} className="nav-link" title={t('nav.counter')}>
              <NavIcon section="counter" />
              <span className="nav-text">{t('nav.counter')}</span>
            </a>
          </li>
        </ul>
        <button type="button" className="collapse-button" onClick={toggleCollapsed} aria-pressed={collapsed}>
          <span aria-hidden="true">{collapsed ? '»' : '«'}</span>
          <span className="nav-text">{t('nav.collapse')}</span>
        </button>
      </nav>
      {open && <div className="scrim" onClick={() => setOpen(false)} aria-hidden="true" />}
      <div className="dash-main">
        <header className="topbar">
          <div className="topbar-inner">
            <button type="button" className="button quiet small menu-button" aria-controls="sidenav" aria-expanded={open} onClick={() => setOpen((was) => !was)}>
              {t('nav.menu')}
            </button>
            <span className="brand">
              <span className="merchant-name">{me.merchant.name}</span>
            </span>
            <span className="who" title={me.staff?.email}>
              <span className="visually-hidden">{t('home.account')} </span>
              <span className="who-name">{name}</span>
              <span className="badge">{t(`roles.${me.role}`)}</span>
            </span>
            <LanguageSwitch />
            <button className="button quiet small sign-out" type="button" onClick={() => void signOut()}>
              {t('home.signOut')}
            </button>
          </div>
        </header>
        <main className="page dash-page">{children}</main>
      </div>
    </div>
  );
}

/** A page this role may not open: said plainly, with the way back. */
export function NotAllowed({ section }: { section: Section }) {
  const { t } = useTranslation();
  const me = useSession();
  const ownersOnly = !SECTIONS[section].roles.includes('manager');
  return (
    <section className="card panel not-allowed">
      <h1>{t('dash.notAllowedTitle')}</h1>
      <p className="lead">{t(ownersOnly ? 'dash.notAllowedOwners' : 'dash.notAllowed', { role: t(`roles.${me.role}`) })}</p>
      <p className="links">
        {me.role === 'clerk' && (
          <a className="button primary" href={COUNTER_PATH}>
            {t('dash.toCounter')}
          </a>
        )}
        <Link className="button" to="/">
          {t('notFound.home')}
        </Link>
      </p>
    </section>
  );
}

function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function writeFlag(key: string, value: boolean): void {
  try {
    localStorage.setItem(key, value ? '1' : '0');
  } catch {
    // Storage can be off (private windows); the choice then lasts for this page.
  }
}

const ICONS: Record<Section | 'counter', string> = {
  home: 'M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z',
  overview: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  channels: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  offers: 'M3 7h18v4a2 2 0 0 0 0 4v4H3v-4a2 2 0 0 0 0-4zM9 7v12',
  members: 'M16 20v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM21 20v-1a4 4 0 0 0-3-3.9M16 4.1a3.5 3.5 0 0 1 0 6.8',
  orders: 'M6 3h12l1 18H5zM9 7a3 3 0 0 0 6 0',
  stores: 'M3 9l2-5h14l2 5M4 9v11h16V9M3 9h18M9 20v-6h6v6',
  staff: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
  keys: 'M15 7a4 4 0 1 1-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0 1 15 7z',
  settings: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-1-3-2 .3-1.4-1.4.3-2-3-1-1 2h-2l-1-2-3 1 .3 2L6 7.3 4 7 3 10l2 1v2l-2 1 1 3 2-.3 1.4 1.4-.3 2 3 1 1-2h2l1 2 3-1-.3-2 1.4-1.4 2 .3 1-3-2-1z',
  counter: 'M3 5h4M3 5v4M21 5h-4M21 5v4M3 19h4M3 19v-4M21 19h-4M21 19v-4M7 12h10',
};

function NavIcon({ section }: { section: Section | 'counter' }) {
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={ICONS[section]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
