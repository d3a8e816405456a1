import { useEffect } from 'react';
import { Link } from '../router.js';
import * as api from './api.js';
import { rememberMerchantName } from './device.js';
import { conditions, headline, validity } from './format.js';
import { useT } from './i18n/index.js';
import { ErrorNote, isNotFound, Layout, useLoad } from './ui.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A store: where it is, when it is open, and the offers to claim for it. */
export function StorePage({ merchantId, storeId }: { merchantId: string; storeId: string }) {
  const { t, language } = useT();
  const { data: store, error } = useLoad(() => api.getStore(merchantId, storeId), `${merchantId}/${storeId}`);

  useEffect(() => {
    if (store) rememberMerchantName(merchantId, store.merchant.name);
  }, [store, merchantId]);

  if (error) {
    return (
      <Layout merchantId={merchantId} merchant={null} title={t('store.notFound')}>
        {isNotFound(error) ? <p className="c-note">{t('store.notFound')}</p> : <ErrorNote error={error} />}
      </Layout>
    );
  }
  if (!store) {
    return (
      <Layout merchantId={merchantId} merchant={null} title={t('loading')}>
        <p className="c-loading">{t('loading')}</p>
      </Layout>
    );
  }

  // Today in the store's own time zone, to mark the row a visitor looks for first.
  const today = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: store.timezone }).format(new Date()).toLowerCase().slice(0, 3);

  return (
    <Layout merchantId={merchantId} merchant={store.merchant.name} title={store.name}>
      <section className="c-hero">
        <h1>{store.name}</h1>
        {store.address && (
          <p>
            <span className="visually-hidden">{t('store.address')}: </span>
            {store.address}
          </p>
        )}
        {store.phone && (
          <p>
            <span className="visually-hidden">{t('store.phone')}: </span>
            <a href={`tel:${store.phone.replace(/[^\d+]/g, '')}`}>{store.phone}</a>
          </p>
        )}
      </section>

      <section className="c-card" aria-labelledby="hours-title">
        <h2 id="hours-title">{t('store.hours')}</h2>
        <table className="c-hours">
          <tbody>
            {DAYS.map((d) => {
              const spans = store.openingHours[d] ?? [];
              return (
                <tr key={d} className={d === today ? 'today' : undefined}>
                  <th scope="row">{t(`store.days.${d}`)}</th>
                  <td>{spans.length === 0 ? t('store.closed') : spans.map(([open, close]) => `${open}–${close}`).join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section className="c-card" aria-labelledby="offers-title">
        <h2 id="offers-title">{t('store.offers')}</h2>
        {store.offers.length === 0 && <p className="c-small">{t('store.noOffers')}</p>}
        <ul className="c-offers">
          {store.offers.map((offer) => (
            <li key={offer.id}>
              <Link to={`/m/${merchantId}/o/${offer.id}`}>
                <span className="c-value small">{headline(offer, t, language)}</span>
                <span className="c-offer-name">{offer.name}</span>
                <span className="c-small">{[...conditions(offer, t, language), validity(offer, t, language)].filter(Boolean).join(' · ')}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
