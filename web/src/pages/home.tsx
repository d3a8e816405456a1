import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.js';
import { navigate } from '../router.js';
import { Loading } from '../ui/auth-layout.js';
import { Mark } from '../ui/brand.js';
import { ErrorMessage } from '../ui/error-message.js';
import { LanguageSwitch } from '../ui/language-switch.js';
import { useTitle } from '../ui/use-title.js';
import { PasswordPanel } from './password-panel.js';
import { StoresPanel } from './stores-panel.js';

/** The signed-in start page: who you are, and the first things to do. */
export function HomePage() {
  const { t } = useTranslation();
  useTitle(t('home.title'));
  const [me, setMe] = useState<api.Me | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .me()
      .then((found) => live && setMe(found))
      .catch(async (caught: unknown) => {
        if (!live) return;
        if (caught instanceof api.ApiError && caught.status === 401) await leave(caught.code);
        else setError(caught);
      });
    return () => {
      live = false;
    };
  }, []);

  if (error) {
    return (
      <main className="page">
        <ErrorMessage error={error} />
      </main>
    );
  }
  if (!me) return <Loading />;

  const name = me.staff?.name ?? t(`roles.${me.role}`);
  const signOut = async () => {
    // Whatever the server says, this tab is done with the session.
    await api.signOut().catch(() => undefined);
    navigate('/signin', { replace: true, state: { notice: 'signed_out' } });
  };

  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">
            <Mark />
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
      <main className="page">
        <section className="welcome">
          <h1>{t('home.title')}</h1>
          <p className="lead">{t('home.welcome', { name, merchant: me.merchant.name })}</p>
        </section>
        <div className="grid">
          <div className="stack">
            <StoresPanel step={1} canAdd={me.role !== 'clerk'} />
            <DevelopersPanel step={2} />
          </div>
          {/* A secret key has no password; the web app only ever signs in people, but the type allows it. */}
          {me.staff && <PasswordPanel />}
        </div>
      </main>
    </div>
  );
}

/** Not signed in (any more): to the sign-in page, or to set-up on a fresh install. */
async function leave(code: string): Promise<void> {
  const needed = await api.getSetup().then(
    (status) => status.needed,
    () => false,
  );
  if (needed) navigate('/setup', { replace: true });
  else navigate('/signin', { replace: true, ...(code === 'session_expired' ? { state: { notice: 'session_expired' } } : {}) });
}

function DevelopersPanel({ step }: { step: number }) {
  const { t } = useTranslation();
  return (
    <section className="card panel" aria-labelledby="developers-title">
      <h2 id="developers-title">
        <span className="step">{step}</span>
        {t('developers.title')}
      </h2>
      <p>{t('developers.intro')}</p>
      <p className="links">
        {/* Served by the server itself, outside this app: ordinary links, full page loads. */}
        <a className="button" href="/docs">
          {t('developers.apiReference')}
        </a>
        <a className="button quiet" href="/errors">
          {t('developers.errorCodes')}
        </a>
      </p>
    </section>
  );
}
