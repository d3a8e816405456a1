import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { LANGUAGES, type Language } from '../i18n/language.js';
import { Link } from '../router.js';
import type { CustomerCoupon, OtpSent } from './api.js';
import { useT, setLanguage, type Key } from './i18n/index.js';
import { conditions, dateOf, dateTimeOf, headline, lastDayOf } from './format.js';

/** The frame of every customer page: the business, My coupons, the language. */
export function Layout({ merchantId, merchant, title, children }: { merchantId: string | null; merchant: string | null; title: string; children: ReactNode }) {
  const { t, language } = useT();
  useEffect(() => {
    document.title = merchant ? `${title} · ${merchant}` : title;
  }, [title, merchant]);
  return (
    <div className="c-page">
      <header className="c-top">
        <span className="c-merchant">{merchant ?? ''}</span>
        {merchantId && (
          <Link className="c-top-link" to={`/m/${merchantId}/coupons`}>
            {t('nav.myCoupons')}
          </Link>
        )}
        <div className="c-lang" role="group" aria-label={t('language')}>
          {(Object.keys(LANGUAGES) as Language[]).map((l) => (
            <button key={l} type="button" lang={l} aria-pressed={language === l} onClick={() => setLanguage(l)}>
              {LANGUAGES[l]}
            </button>
          ))}
        </div>
      </header>
      <main className="c-main">{children}</main>
    </div>
  );
}

const TRANSLATED = new Set([
  'otp_invalid',
  'otp_expired',
  'otp_rate_limited',
  'message_not_sent',
  'phone_token_invalid',
  'offer_not_live',
  'offer_sold_out',
  'claim_limit_reached',
  'slot_full',
  'validation_failed',
  'rate_limited',
  'network_error',
]);

/** A refusal in the customer's words (never an error code alone). */
export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useT();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : '';
  const text = TRANSLATED.has(code) ? t(`errors.${code}` as Key) : t('errors.generic');
  return (
    <p className="c-note c-error" role="alert">
      {text}
    </p>
  );
}

/** Loads once per key; `error` holds a refusal. */
export function useLoad<T>(load: () => Promise<T>, key: string): { data: T | null; error: unknown } {
  const [state, setState] = useState<{ key: string; data: T | null; error: unknown }>({ key, data: null, error: null });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ key, data, error: null }),
      (error: unknown) => live && setState({ key, data: null, error }),
    );
    return () => {
      live = false;
    };
    // `key` names what `load` loads: a new function each render must not load again.
  }, [key]);
  return state.key === key ? state : { data: null, error: null };
}

export const isNotFound = (error: unknown) => error instanceof ApiError && (error.code === 'not_found' || error.code === 'invalid_id');

/**
 * Phone, then a one-time code: the one way a customer proves a number. `onSend` asks for a
 * code; `onCode` uses it (claims, or verifies) and throws what the server refused.
 */
export function PhoneCodeForm({
  onSend,
  onCode,
  submit,
  submitting,
}: {
  onSend: (phone: string) => Promise<OtpSent>;
  onCode: (phone: string, code: string, sent: OtpSent) => Promise<void>;
  submit: string;
  submitting: string;
}) {
  const { t } = useT();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<OtpSent | null>(null);
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState<'send' | 'code' | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy('send');
    setError(null);
    try {
      const answer = await onSend(phone.trim());
      setSent(answer);
      setWait(answer.resendAfterSeconds);
      setCode('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };

  const use = async (event: FormEvent) => {
    event.preventDefault();
    if (!sent) return;
    setBusy('code');
    setError(null);
    try {
      await onCode(phone.trim(), code.trim(), sent);
    } catch (caught) {
      setError(caught);
      setBusy(null);
    }
  };

  if (!sent) {
    return (
      <form className="c-form" onSubmit={(e) => void send(e)}>
        <label className="c-field">
          <span>{t('claim.phone')}</span>
          <input name="phone" type="tel" inputMode="tel" autoComplete="tel" required minLength={3} maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <ErrorNote error={error} />
        <button className="c-button primary" type="submit" disabled={busy !== null}>
          {busy === 'send' ? t('claim.sending') : t('claim.sendCode')}
        </button>
        <p className="c-small">{t('claim.consent')}</p>
      </form>
    );
  }
  return (
    <form className="c-form" onSubmit={(e) => void use(e)}>
      <p className="c-note" role="status">
        {t('claim.sentTo', { phone: sent.sentTo })}
      </p>
      <label className="c-field">
        <span>{t('claim.code')}</span>
        <input
          name="code"
          className="c-otp"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\d{6}"
          maxLength={6}
          required
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
        />
      </label>
      <ErrorNote error={error} />
      <button className="c-button primary" type="submit" disabled={busy !== null || code.length !== 6}>
        {busy === 'code' ? submitting : submit}
      </button>
      <div className="c-row">
        <button className="c-link" type="button" disabled={wait > 0 || busy !== null} onClick={() => void send()}>
          {wait > 0 ? t('claim.resendIn', { seconds: wait }) : t('claim.resend')}
        </button>
        <button
          className="c-link"
          type="button"
          onClick={() => {
            setSent(null);
            setError(null);
          }}
        >
          {t('claim.otherNumber')}
        </button>
      </div>
    </form>
  );
}

const qrSource = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

/** A coupon as the customer shows it at the counter: the code to read out and its QR code. */
export function CouponCard({ coupon, compact = false }: { coupon: CustomerCoupon; compact?: boolean }) {
  const { t, language } = useT();
  const usable = coupon.status === 'valid' || coupon.status === 'not_yet_valid';
  return (
    <article className={`c-coupon ${usable ? '' : 'done'}`} aria-label={coupon.terms.name}>
      <div className="c-coupon-head">
        <span className="c-coupon-value">{headline(coupon.terms, t, language)}</span>
        <span className={`c-status ${coupon.status}`}>{t(`coupon.status.${coupon.status}`)}</span>
      </div>
      <p className="c-coupon-name">{coupon.terms.name}</p>
      {conditions(coupon.terms, t, language).map((line) => (
        <p key={line} className="c-small">
          {line}
        </p>
      ))}
      {usable && !compact && (
        <div className="c-coupon-show">
          <img className="c-qr" src={qrSource(coupon.qrSvg)} alt={t('coupon.qr')} width={220} height={220} />
          <p className="c-small">{t('coupon.show')}</p>
        </div>
      )}
      <p className="c-code" aria-label={t('coupon.code')}>
        {coupon.code}
      </p>
      <p className="c-small">
        {coupon.status === 'redeemed' && coupon.redeemedAt
          ? t('coupon.usedOn', { date: dateOf(coupon.redeemedAt, language) })
          : coupon.status === 'not_yet_valid'
            ? t('coupon.validFrom', { date: dateOf(coupon.validFrom, language) })
            : t('coupon.useBy', { date: lastDayOf(coupon.validUntil, language) })}
        {coupon.slot && ` · ${t('coupon.slotAt', { time: dateTimeOf(coupon.slot.startsAt, language) })}`}
      </p>
    </article>
  );
}
