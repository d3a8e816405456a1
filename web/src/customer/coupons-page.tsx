import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { Link } from '../router.js';
import * as api from './api.js';
import { forgetPhone, merchantName, savedPhone, savePhone, type SavedPhone } from './device.js';
import { useT } from './i18n/index.js';
import { CouponCard, ErrorNote, Layout, PhoneCodeForm } from './ui.js';

/** My coupons, by the phone verified on this device: ready to use first, then used, then expired. */
export function CouponsPage({ merchantId }: { merchantId: string }) {
  const { t } = useT();
  const [phone, setPhone] = useState<SavedPhone | null>(() => savedPhone(merchantId));
  const [list, setList] = useState<api.MyCoupons | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (saved: SavedPhone) => {
      try {
        setList(await api.myCoupons(merchantId, saved.token));
      } catch (caught) {
        if (caught instanceof ApiError && caught.code === 'phone_token_invalid') {
          forgetPhone(merchantId);
          setPhone(null);
        } else setError(caught);
      }
    },
    [merchantId],
  );

  useEffect(() => {
    if (phone) void load(phone);
  }, [phone, load]);

  const merchant = merchantName(merchantId);
  const title = t('coupons.title');

  if (!phone) {
    return (
      <Layout merchantId={null} merchant={merchant} title={title}>
        <section className="c-card" aria-labelledby="coupons-title">
          <h1 id="coupons-title">{title}</h1>
          <p className="c-lead">{t('coupons.intro')}</p>
          <PhoneCodeForm
            onSend={(number) => api.sendCode(merchantId, number)}
            onCode={async (number, code, sent) => {
              const verified = await api.verifyCode(merchantId, number, code);
              const saved = { token: verified.token, phone: sent.sentTo, expiresAt: verified.expiresAt };
              savePhone(merchantId, saved);
              setPhone(saved);
            }}
            submit={t('coupons.verify')}
            submitting={t('coupons.verifying')}
          />
        </section>
      </Layout>
    );
  }

  const coupons = list?.data ?? [];
  const live = coupons.filter((c) => c.status === 'valid' || c.status === 'not_yet_valid');
  const used = coupons.filter((c) => c.status === 'redeemed');
  const expired = coupons.filter((c) => c.status === 'expired');

  return (
    <Layout merchantId={null} merchant={merchant} title={title}>
      <h1>{title}</h1>
      <p className="c-lead">{t('coupons.for', { phone: list?.phone ?? phone.phone })}</p>
      <ErrorNote error={error} />
      {!list && !error && <p className="c-loading">{t('loading')}</p>}
      {list && coupons.length === 0 && <p className="c-note">{t('coupons.none')}</p>}
      {list && coupons.length > 0 && (
        <>
          <Group title={t('coupons.live')} empty={t('coupons.noneLive')}>
            {live.map((c) => (
              <CouponLink key={c.id} merchantId={merchantId} coupon={c} />
            ))}
          </Group>
          {used.length > 0 && (
            <Group title={t('coupons.used')}>
              {used.map((c) => (
                <CouponLink key={c.id} merchantId={merchantId} coupon={c} compact />
              ))}
            </Group>
          )}
          {expired.length > 0 && (
            <Group title={t('coupons.expired')}>
              {expired.map((c) => (
                <CouponLink key={c.id} merchantId={merchantId} coupon={c} compact />
              ))}
            </Group>
          )}
        </>
      )}
      <button
        className="c-link"
        type="button"
        onClick={() => {
          forgetPhone(merchantId);
          setList(null);
          setPhone(null);
        }}
      >
        {t('coupons.forget')}
      </button>
    </Layout>
  );
}

function Group({ title, empty, children }: { title: string; empty?: string; children: ReactNode[] }) {
  const id = useId();
  return (
    <section className="c-group" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="c-count">{children.length}</span>
      </h2>
      {children.length === 0 && empty ? <p className="c-small">{empty}</p> : children}
    </section>
  );
}

function CouponLink({ merchantId, coupon, compact = false }: { merchantId: string; coupon: api.CustomerCoupon; compact?: boolean }) {
  return (
    <div className="c-coupon-wrap">
      <CouponCard coupon={coupon} compact={compact} />
      <Link className="c-small c-more" to={`/m/${merchantId}/o/${coupon.offerId}`}>
        {coupon.terms.name} →
      </Link>
    </div>
  );
}
