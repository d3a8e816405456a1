import { useTranslation } from 'react-i18next';
import { PasswordPanel } from '../pages/password-panel.js';
import { StoresPanel } from '../pages/stores-panel.js';
import { Link } from '../router.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { useSession } from './session.js';
import { COUNTER_PATH } from './shell.js';
import { useLoad } from './ui.js';

/** The start page: who you are, and the next things to do, ticked off as they get done. */
export function HomePage() {
  const { t } = useTranslation();
  useTitle(t('home.title'));
  const me = useSession();
  const name = me.staff?.name ?? t(`roles.${me.role}`);
  const manages = me.role !== 'clerk';

  return (
    <>
      <section className="welcome">
        <h1>{t('home.title')}</h1>
        <p className="lead">{t('home.welcome', { name, merchant: me.merchant.name })}</p>
      </section>
      <div className="grid">
        <div className="stack">
          <StoresPanel step={1} canAdd={manages} />
          {manages ? <NextSteps /> : <CounterPanel />}
          {manages && <DevelopersPanel />}
        </div>
        {/* A secret key has no password; the web app only ever signs in people, but the type allows it. */}
        {me.staff && <PasswordPanel />}
      </div>
    </>
  );
}

function NextSteps() {
  const { t } = useTranslation();
  const state = useLoad(async () => {
    const [channels, links, offers] = await Promise.all([dash.listChannels(), dash.listLinks(), dash.listOffers()]);
    return { channels: channels.length, links: links.length, offers: offers.length, live: offers.some((o) => o.state === 'live') };
  }, []);
  const done = state.data;
  const steps = [
    { key: 'channel', to: '/channels', done: Boolean(done && done.channels > 0 && done.links > 0) },
    { key: 'offer', to: '/offers', done: Boolean(done?.live) },
    { key: 'overview', to: '/overview', done: false },
  ] as const;
  return (
    <section className="card panel" aria-labelledby="next-title">
      <h2 id="next-title">
        <span className="step">2</span>
        {t('home.nextTitle')}
      </h2>
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.key} className={step.done ? 'done' : undefined}>
            <span className="check" aria-hidden="true">
              {step.done ? '✓' : ''}
            </span>
            <div>
              <Link to={step.to}>{t(`home.next.${step.key}`)}</Link>
              <p className="hint">{t(`home.next.${step.key}Hint`)}</p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function CounterPanel() {
  const { t } = useTranslation();
  return (
    <section className="card panel" aria-labelledby="counter-title">
      <h2 id="counter-title">
        <span className="step">2</span>
        {t('home.counterTitle')}
      </h2>
      <p>{t('home.counterIntro')}</p>
      <p>
        <a className="button primary" href={COUNTER_PATH}>
          {t('dash.toCounter')}
        </a>
      </p>
    </section>
  );
}

function DevelopersPanel() {
  const { t } = useTranslation();
  const owner = useSession().role === 'owner';
  return (
    <section className="card panel" aria-labelledby="developers-title">
      <h2 id="developers-title">
        <span className="step">3</span>
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
        {owner && (
          <Link className="button quiet" to="/keys">
            {t('nav.keys')}
          </Link>
        )}
      </p>
    </section>
  );
}
