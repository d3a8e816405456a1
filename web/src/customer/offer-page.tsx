import { useEffect, useState } from 'react';
import { ApiError } from '../api.js';
import { Link } from '../router.js';
import * as api from './api.js';
import { forgetPhone, rememberMerchantName, savedPhone, savePhone, visitorId, type SavedPhone } from './device.js';
import { conditions, dateTimeOf, headline, validity } from './format.js';
import { useT } from './i18n/index.js';
import { CouponCard, ErrorNote, isNotFound, Layout, PhoneCodeForm, useLoad } from './ui.js';

/** Where a link usually lands: what the offer is, where it is valid, and claiming it. */
export function OfferPage({ merchantId, offerId }: { merchantId: string; offerId: string }) {
  const { t, language } = useT();
  const { data: offer, error } = useLoad(() => api.getOffer(merchantId, offerId), `${merchantId}/${offerId}`);
  const [claimed, setClaimed] = useState<{ coupon: api.CustomerCoupon; phone: SavedPhone; kept: boolean } | null>(null);

  useEffect(() => {
    if (offer) rememberMerchantName(merchantId, offer.merchant.name);
  }, [offer, merchantId]);

  if (error) {
    return (
      <Layout merchantId={merchantId} merchant={null} title={t('offer.notFound')}>
        {isNotFound(error) ? <p className="c-note">{t('offer.notFound')}</p> : <ErrorNote error={error} />}
      </Layout>
    );
  }
  if (!offer) {
    return (
      <Layout merchantId={merchantId} merchant={null} title={t('loading')}>
        <p className="c-loading">{t('loading')}</p>
      </Layout>
    );
  }

  const keep = () => {
    if (!claimed) return;
    savePhone(merchantId, claimed.phone);
    setClaimed({ ...claimed, kept: true });
  };
  const valid = validity(offer, t, language);

  return (
    <Layout merchantId={merchantId} merchant={offer.merchant.name} title={offer.name}>
      <section className="c-hero">
        <p className="c-value">{headline(offer, t, language)}</p>
        <h1>{offer.name}</h1>
        {offer.description && <p className="c-description">{offer.description}</p>}
        <ul className="c-facts">
          {conditions(offer, t, language).map((line) => (
            <li key={line}>{line}</li>
          ))}
          {valid && <li>{valid}</li>}
          <li>{t('offer.perPerson', { count: offer.perPersonLimit })}</li>
          {offer.remaining !== null && offer.claimable && <li>{t('offer.remaining', { count: offer.remaining })}</li>}
        </ul>
      </section>

      {claimed ? (
        <section className="c-card" aria-labelledby="coupon-title">
          <h2 id="coupon-title">{t('coupon.title')}</h2>
          <CouponCard coupon={claimed.coupon} />
          {claimed.kept ? (
            <>
              <p className="c-note c-ok" role="status">
                {t('coupon.added')}
              </p>
              <Link className="c-button" to={`/m/${merchantId}/coupons`}>
                {t('coupon.open')}
              </Link>
            </>
          ) : (
            <button className="c-button primary" type="button" onClick={keep}>
              {t('coupon.add')}
            </button>
          )}
        </section>
      ) : offer.claimable ? (
        <ClaimPanel offer={offer} merchantId={merchantId} onClaimed={(coupon, phone, kept) => setClaimed({ coupon, phone, kept })} />
      ) : (
        <p className="c-note">{t('offer.gone')}</p>
      )}

      <section className="c-card" aria-labelledby="where-title">
        <h2 id="where-title">{t('offer.where')}</h2>
        {offer.stores.length === 0 ? <p>{t('offer.everyStore')}</p> : null}
        <ul className="c-stores">
          {offer.stores.map((store) => (
            <li key={store.id}>
              <Link to={`/m/${merchantId}/s/${store.id}`}>{store.name}</Link>
              {store.address && <span className="c-small">{store.address}</span>}
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

function ClaimPanel({ merchantId, offer, onClaimed }: { offer: api.PublicOffer; merchantId: string; onClaimed: (coupon: api.CustomerCoupon, phone: SavedPhone, kept: boolean) => void }) {
  const { t, language } = useT();
  const [saved, setSaved] = useState(() => savedPhone(merchantId));
  const [slotId, setSlotId] = useState(offer.slots[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const extra = () => {
    const vid = visitorId();
    return { ...(vid ? { visitorId: vid } : {}), ...(offer.kind === 'booking' ? { slotId } : {}) };
  };

  const claimWithSaved = async (phone: SavedPhone) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.claim(merchantId, offer.id, { token: phone.token, ...extra() });
      onClaimed(answer.coupon, phone, true);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'phone_token_invalid') {
        forgetPhone(merchantId);
        setSaved(null);
      }
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <section className="c-card" aria-labelledby="claim-title">
      <h2 id="claim-title">{t('claim.title')}</h2>
      {offer.kind === 'booking' && (
        <label className="c-field">
          <span>{t('offer.slot')}</span>
          <select name="slot" value={slotId} onChange={(e) => setSlotId(e.target.value)}>
            {offer.slots.map((slot) => (
              <option key={slot.id} value={slot.id} disabled={slot.remaining <= 0}>
                {dateTimeOf(slot.startsAt, language)} · {t('offer.slotLeft', { count: slot.remaining })}
              </option>
            ))}
          </select>
        </label>
      )}
      {saved ? (
        <div className="c-form">
          <ErrorNote error={error} />
          <button className="c-button primary" type="button" disabled={busy} onClick={() => void claimWithSaved(saved)}>
            {busy ? t('claim.submitting') : t('claim.asPhone', { phone: saved.phone })}
          </button>
          <button
            className="c-link"
            type="button"
            onClick={() => {
              setSaved(null);
              setError(null);
            }}
          >
            {t('claim.otherNumber')}
          </button>
        </div>
      ) : (
        <>
          <p className="c-lead">{t('claim.intro')}</p>
          <PhoneCodeForm
            onSend={(phone) => api.sendOfferCode(merchantId, offer.id, phone)}
            onCode={async (phone, code, sent) => {
              const answer = await api.claim(merchantId, offer.id, { phone, code, ...extra() });
              onClaimed(answer.coupon, { token: answer.token, phone: sent.sentTo, expiresAt: answer.tokenExpiresAt }, false);
            }}
            submit={t('claim.submit')}
            submitting={t('claim.submitting')}
          />
        </>
      )}
    </section>
  );
}
